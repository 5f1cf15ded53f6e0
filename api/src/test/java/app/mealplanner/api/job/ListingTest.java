package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.RelaxedLimits;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@TestProfile(RelaxedLimits.class)
class ListingTest {

    @Inject
    MenuJobs jobs;
    @Inject
    Database database;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldWalkAllJobsNewestFirstWhileNewOnesArrive() {
        String token = Api.newUserToken();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            created.add(submit(token));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Response page = Api.as(token).queryParam("limit", 50).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/jobs");
            page.then().statusCode(200);
            seen.addAll(page.path("items.jobId"));
            cursor = page.path("nextCursor");
            submit(token); // newer rows arrive between pages
            submit(token);
        } while (cursor != null);

        assertThat(new LinkedHashSet<>(seen)).as("no duplicates").hasSameSizeAs(seen);
        List<String> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void shouldFilterByStatusAndValidateParameters() {
        String token = Api.newUserToken();
        String queued = submit(token);
        String cancelled = submit(token);
        Api.as(token).delete("/api/jobs/" + cancelled).then().statusCode(202);

        Api.as(token).queryParam("status", "CANCELLED").get("/api/jobs").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].jobId", equalTo(cancelled));
        Api.as(token).queryParam("status", "queued").get("/api/jobs").then().statusCode(200)
                .body("items.jobId", hasItem(queued));
        for (String limit : List.of("0", "101", "x", "-1")) {
            Api.as(token).queryParam("limit", limit).get("/api/jobs").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        }
        Api.as(token).queryParam("cursor", "bm90LWEtY3Vyc29y").get("/api/jobs").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
        Api.as(token).queryParam("status", "DONE").get("/api/jobs").then().statusCode(400);
        Api.as(Api.newUserToken()).get("/api/jobs").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void shouldRefuseACursorWhoseTimeNoRowCanHaveWith400() {
        // before 4713 BC PostgreSQL has no timestamp at all; after 9999 no row of ours has one
        String token = Api.newUserToken();
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        for (long micros : new long[] {Long.MIN_VALUE, -300_000_000_000_000_000L, Long.MAX_VALUE, 253_402_300_800_000_000L}) {
            String cursor = base64.encodeToString((micros + ":" + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (String path : List.of("/api/jobs", "/api/menus")) {
                Api.as(token).queryParam("cursor", cursor).get(path).then().statusCode(400)
                        .contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
            }
        }
    }

    @Test
    void shouldListAndDeleteMenus() {
        String token = Api.newUserToken();
        Set<UUID> menuIds = new LinkedHashSet<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.fromString(submit(token));
            MenuJob job = jobs.start(id, 1).orElseThrow();
            menuIds.add(QuarkusTransaction.requiringNew().call(() -> jobs.succeed(id, job.attempt(), MenuJobs.MenuToStore.of(job.request(),
                    new Menu.Plan(Menu.SOURCE_CATALOG, null, List.of(), List.of(), List.of()), Menus.Usage.NONE)))
                    .orElseThrow());
        }
        Response first = Api.as(token).queryParam("limit", 2).get("/api/menus");
        first.then().statusCode(200).body("items.size()", equalTo(2));
        Response second = Api.as(token).queryParam("limit", 2).queryParam("cursor", first.<String>path("nextCursor"))
                .get("/api/menus");
        second.then().statusCode(200).body("items.size()", equalTo(1)).body("nextCursor", org.hamcrest.Matchers.nullValue());

        UUID victim = menuIds.iterator().next();
        Api.as(Api.newUserToken()).delete("/api/menus/" + victim).then().statusCode(404);
        Api.as(token).delete("/api/menus/" + victim).then().statusCode(204);
        Api.as(token).get("/api/menus/" + victim).then().statusCode(404);
        Api.as(token).delete("/api/menus/" + victim).then().statusCode(404);
    }

    @Test
    void shouldReturnEveryConnectionToThePoolAfterManyMixedRequests() {
        String token = Api.newUserToken();
        String other = Api.newUserToken();
        String job = submit(token);
        for (int i = 0; i < 500; i++) {
            switch (i % 10) {
                case 0 -> submit(token);
                case 1 -> Api.as(token).contentType(ContentType.JSON).body("{\"days\":0}").post("/api/menus");
                case 2 -> Api.as(token).get("/api/jobs/" + job);
                case 3 -> Api.as(other).get("/api/jobs/" + job);
                case 4 -> Api.as(token).queryParam("limit", 5).get("/api/jobs");
                case 5 -> Api.as(token).get("/api/menus/" + UUID.randomUUID());
                case 6 -> Api.as(token).delete("/api/jobs/" + submit(token));
                case 7 -> Api.as("bad-token").get("/api/jobs");
                case 8 -> Api.as(token).queryParam("cursor", "%%%").get("/api/menus");
                default -> Api.as(token).contentType(ContentType.JSON).body("{not json").post("/api/menus");
            }
        }
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> dataSource.getMetrics().activeCount() == 0);
        assertThat(dataSource.getMetrics().activeCount()).isZero();
        assertThat(dataSource.getMetrics().awaitingCount()).isZero();
    }

    private static String submit(String token) {
        return Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId");
    }
}
