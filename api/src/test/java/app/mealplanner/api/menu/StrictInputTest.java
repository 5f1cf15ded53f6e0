package app.mealplanner.api.menu;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import app.mealplanner.api.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Input is taken as written or refused with a 400 naming the field: no coercion between JSON types, no
 * fractions cut to whole numbers, nothing after the JSON value, no empty Idempotency-Key, no text that
 * PostgreSQL would store differently (an unpaired surrogate would become '?').
 */
@QuarkusTest
class StrictInputTest {

    private static final String VALID = "\"days\":3,\"meals\":[\"lunch\"],\"diet\":\"vegan\"";
    private static String token;

    @BeforeEach
    void user() {
        if (token == null) {
            token = Api.newUserToken();
        }
    }

    static Stream<Arguments> looseJson() {
        String meals = "\"meals\":[\"lunch\"],\"diet\":\"vegan\"";
        return Stream.of(
                Arguments.of("{\"days\":3.7," + meals + "}", "days"),
                Arguments.of("{\"days\":3.0," + meals + "}", "days"),
                Arguments.of("{\"days\":\"3\"," + meals + "}", "days"),
                Arguments.of("{\"days\":true," + meals + "}", "days"),
                Arguments.of("{" + VALID + ",\"notes\":123}", "notes"),
                Arguments.of("{" + VALID + ",\"notes\":false}", "notes"),
                Arguments.of("{" + VALID + ",\"excludeIngredients\":[1,2]}", "excludeIngredients[0]"),
                Arguments.of("{" + VALID + ",\"cuisines\":[1.5]}", "cuisines[0]"),
                Arguments.of("{\"days\":3,\"meals\":[\"lunch\"],\"diet\":1}", "diet"),
                Arguments.of("{\"days\":3,\"meals\":[0],\"diet\":\"vegan\"}", "meals[0]"),
                Arguments.of("{" + VALID + ",\"servings\":\"2\"}", "servings"),
                Arguments.of("{" + VALID + ",\"caloriesPerDay\":2000.5}", "caloriesPerDay"),
                Arguments.of("{" + VALID + "} xyz", "body"),
                Arguments.of("{" + VALID + "} {" + VALID + "}", "body"),
                Arguments.of("{" + VALID + "}}", "body"),
                Arguments.of("{" + VALID + ",\"notes\":\"a\\ud800b\"}", "notes"),
                Arguments.of("{" + VALID + ",\"excludeIngredients\":[\"\\udc00\"]}", "excludeIngredients[0]"));
    }

    @ParameterizedTest
    @MethodSource("looseJson")
    void shouldRefuseJsonThatIsNotExactlyTheRequest(String body, String field) {
        Api.as(token).contentType(ContentType.JSON).body(body).post("/api/menus")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("errors.field", hasItem(field));
    }

    @Test
    void shouldRefuseAnEmailWithAnUnpairedSurrogateInsteadOfStoringAnotherOne() {
        String local = "sur" + UUID.randomUUID();
        for (String surrogate : new String[] {"\\ud800", "\\udfff"}) {
            given().contentType(ContentType.JSON)
                    .body("{\"email\":\"" + local + surrogate + "@example.com\",\"password\":\"correct horse battery\"}")
                    .post("/api/auth/register").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("email"));
        }
        // a real (paired) non-BMP character is fine
        given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + local + "@example.com\",\"password\":\"correct horse \\ud83c\\udf55\"}")
                .post("/api/auth/register").then().statusCode(201);
    }

    @Test
    void shouldRefuseAnEmptyIdempotencyKey() {
        for (String key : new String[] {"", " "}) {
            Api.as(token).contentType(ContentType.JSON).header("Idempotency-Key", key)
                    .body("{" + VALID + "}").post("/api/menus")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("Idempotency-Key"));
        }
    }
}
