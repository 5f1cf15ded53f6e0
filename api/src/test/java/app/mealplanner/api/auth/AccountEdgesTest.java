package app.mealplanner.api.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.sql.PreparedStatement;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Accounts at their edges: passwords longer than bcrypt reads, tokens that outlive their account. */
@QuarkusTest
class AccountEdgesTest {

    @Inject
    Database database;

    @Test
    void shouldRefusePasswordsLongerThanTheSeventyTwoBytesBcryptReads() {
        for (String password : new String[] {"p".repeat(73), "€".repeat(25)}) { // 73 and 75 bytes in UTF-8
            given().contentType(ContentType.JSON).body(registration(newEmail(), password)).post("/api/auth/register")
                    .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("password"));
        }
        String email = newEmail();
        String longest = "p".repeat(60) + "€".repeat(4); // 72 bytes
        given().contentType(ContentType.JSON).body(registration(email, longest)).post("/api/auth/register")
                .then().statusCode(201);
        login(email, longest).then().statusCode(200);
        // bcrypt would ignore whatever follows byte 72: such a login is refused, not let in
        login(email, longest + "anything").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void shouldAnswer401ToAValidTokenWhoseAccountNoLongerExists() {
        String email = newEmail();
        given().contentType(ContentType.JSON).body(registration(email, "correct horse battery")).post("/api/auth/register")
                .then().statusCode(201);
        String token = login(email, "correct horse battery").then().statusCode(200).extract().path("accessToken");
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from app_user where email = ?")) {
                ps.setString(1, email);
                return ps.executeUpdate();
            }
        });
        Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401))
                .header("WWW-Authenticate", "Bearer");
    }

    private static String newEmail() {
        return "edge-" + UUID.randomUUID() + "@example.com";
    }

    private static String registration(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    private static io.restassured.response.Response login(String email, String password) {
        return given().contentType(ContentType.JSON).body(registration(email, password)).post("/api/auth/login");
    }
}
