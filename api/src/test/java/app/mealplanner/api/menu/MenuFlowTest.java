package app.mealplanner.api.menu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class MenuFlowTest {

    @Inject
    StorageProvider jobRunr;
    @Inject
    MenuJobs jobs;
    @Inject
    Database database;

    @Test
    void shouldAcceptAMenuRequestAt202AndEnqueueTheJobUnderTheSameId() {
        String token = Api.newUserToken();
        Response response = Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus");
        response.then().statusCode(202)
                .body("status", equalTo("QUEUED"))
                .body("stage", equalTo("queued"))
                .body("progress", equalTo(0))
                .body("menuId", nullValue())
                .body("links.events", notNullValue());
        String id = response.path("jobId");
        assertThat(response.header("Location")).endsWith("/api/jobs/" + id);
        assertThat(jobRunr.getJobById(UUID.fromString(id)).getState()).isEqualTo(StateName.ENQUEUED);

        Api.as(token).get("/api/jobs/" + id).then().statusCode(200)
                .body("jobId", equalTo(id)).body("status", equalTo("QUEUED"))
                .header("Retry-After", "2");
    }

    @Test
    void shouldAnswerNotModifiedWhileTheJobIsUnchanged() {
        String token = Api.newUserToken();
        String id = Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
        String etag = Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().header("ETag");
        // a queued job's tag also names its place in the queue (ConditionalGetTest)
        assertThat(etag).matches("\"[0-9a-z.]+\"");
        Api.as(token).header("If-None-Match", etag).get("/api/jobs/" + id).then().statusCode(304);
        jobs.start(UUID.fromString(id), 1);
        // a poll follows the change as soon as its notification reached the api (milliseconds; JobVersions)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                Api.as(token).header("If-None-Match", etag).get("/api/jobs/" + id).then().statusCode(200)
                        .body("status", equalTo("RUNNING")));
    }

    @Test
    void shouldHideOneUsersJobsAndMenusFromAnother() {
        String alice = Api.newUserToken();
        String bob = Api.newUserToken();
        String id = Api.as(alice).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
        UUID jobId = UUID.fromString(id);
        var job = jobs.start(jobId, 1).orElseThrow();
        UUID menuId = QuarkusTransaction.requiringNew().call(() -> jobs.succeed(jobId, job.attempt(), MenuJobs.MenuToStore.of(job.request(),
                new Menu.Plan(Menu.SOURCE_CATALOG, null, List.of(), List.of(), List.of()), Menus.Usage.NONE))).orElseThrow();

        Api.as(alice).get("/api/jobs/" + id).then().statusCode(200).body("menuId", equalTo(menuId.toString()));
        Api.as(alice).get("/api/menus/" + menuId).then().statusCode(200).body("jobId", equalTo(id));
        Api.as(bob).get("/api/jobs/" + id).then().statusCode(404).contentType("application/problem+json");
        Api.as(bob).get("/api/menus/" + menuId).then().statusCode(404).contentType("application/problem+json");
        Api.as(bob).get("/api/jobs/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void shouldAllowCredentialedCorsOnlyForConfiguredOrigins() {
        io.restassured.RestAssured.given().header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "POST")
                .options("/api/menus").then()
                .header("Access-Control-Allow-Origin", "http://localhost:5173")
                .header("Access-Control-Allow-Credentials", "true");
        String allowed = io.restassured.RestAssured.given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .options("/api/menus").then().extract().header("Access-Control-Allow-Origin");
        assertThat(allowed).isNull();
    }
}
