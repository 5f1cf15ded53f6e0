package app.mealplanner.api.support;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Small helpers to act as a user through the real HTTP API. */
public final class Api {

    public static final String VALID_REQUEST = """
            {"days": 2, "meals": ["breakfast", "dinner"], "diet": "vegetarian", "allergies": ["peanuts"]}
            """;

    private Api() {
    }

    /** Registers a new user with a unique email and returns its access token. */
    public static String newUserToken() {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}")
                .post("/api/auth/register").then().statusCode(201);
        return given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}")
                .post("/api/auth/login").then().statusCode(200).extract().path("accessToken");
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }
}
