package app.mealplanner.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.support.Api;
import app.mealplanner.api.support.Backends;
import app.mealplanner.common.testing.SseClient;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.job.Stage;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The SSE stream against the real LISTEN fan-out: the test moves jobs as a worker would. */
@QuarkusTest
class JobEventsTest {

    @TestHTTPResource("/")
    String base;
    @Inject
    MenuJobs jobs;
    @Inject
    Database database;
    @Inject
    JobEventHub hub;
    @Inject
    MenuJobDays days;

    @Test
    void shouldDeliverEveryChangeInOrderToTwoHundredSubscribers() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(SseClient.open(url(), "api/jobs/" + id + "/events", Map.of("Authorization", "Bearer " + token)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.events().size() == 1));

        long finalVersion = runLikeAWorker(id);

        for (SseClient client : clients) {
            assertThat(client.done().get(20, TimeUnit.SECONDS)).isEqualTo(200);
            List<Long> versions = client.events().stream().map(SseClient.Event::version).toList();
            assertThat(versions).containsExactlyElementsOf(LongStream.rangeClosed(1, finalVersion).boxed().toList());
            assertThat(client.events()).allSatisfy(e -> assertThat(e.name()).isEqualTo("status"));
            assertThat(client.events().get(client.events().size() - 1).data()).contains("\"status\":\"SUCCEEDED\"");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriberCount() == 0);
    }

    @Test
    void shouldStillDeliverTheFinalStateWhenTheListenConnectionIsKilled() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        SseClient client = subscribed(token, id);
        jobs.start(id, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() == 2);

        int pid = hub.listenerBackendPid();
        assertThat(pid).isPositive();
        Backends.terminate(database, pid);
        finish(id); // committed while nobody listens: the notification is lost

        assertThat(client.done().get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(client.events().get(client.events().size() - 1).data()).contains("\"status\":\"SUCCEEDED\"");
        assertThat(hub.listenerBackendPid()).isPositive().isNotEqualTo(pid);
    }

    @Test
    void shouldNoticeAListenConnectionThatStoppedAnsweringAndStillDeliverTheFinalState() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        SseClient client = subscribed(token, id);

        int pid = hub.listenerBackendPid();
        Backends.suspend(pid); // open but silent from here on, like a connection gone half-open
        try {
            finish(id); // its notification never comes through that connection
            Instant finished = Instant.now();
            assertThat(client.done().get(30, TimeUnit.SECONDS)).isEqualTo(200);
            System.out.printf("silent LISTEN connection replaced; final state delivered %d ms after the commit%n",
                    Duration.between(finished, Instant.now()).toMillis());
            assertThat(client.events().get(client.events().size() - 1).data()).contains("\"status\":\"SUCCEEDED\"");
            assertThat(hub.listenerBackendPid()).isPositive().isNotEqualTo(pid);
        } finally {
            Backends.resume(pid);
        }
    }

    @Test
    void shouldResumeFromLastEventId() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        jobs.start(id, 1);
        jobs.progress(id, 1, Stage.CALLING_MODEL, 40);
        long current = jobs.find(id).orElseThrow().version();

        // the client already has the current version: nothing is re-sent until the next change
        SseClient upToDate = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(current)));
        // a client that missed two versions gets the current state at once
        SseClient behind = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(current - 2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> behind.events().size() == 1 && hub.subscriberCount() >= 2);
        assertThat(behind.events().get(0).version()).isEqualTo(current);
        assertThat(upToDate.events()).isEmpty();

        long last = finish(id);
        upToDate.done().get(10, TimeUnit.SECONDS);
        assertThat(upToDate.events()).extracting(SseClient.Event::version).first().isEqualTo(current + 1);
        assertThat(upToDate.events().get(upToDate.events().size() - 1).version()).isEqualTo(last);
    }

    @Test
    void shouldAnswer204ToAResumeOfAFinishedJobSoThatEventSourceStopsReconnecting() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        long last = finish(id);

        // a client that missed the end gets the final state, then the stream ends
        SseClient behind = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(last - 1)));
        assertThat(behind.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(behind.events()).extracting(SseClient.Event::version).containsExactly(last);

        // what a stock EventSource does next: reconnect with the final version; 204 tells it to stop
        SseClient upToDate = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(last)));
        assertThat(upToDate.done().get(10, TimeUnit.SECONDS)).isEqualTo(204);
        assertThat(upToDate.events()).isEmpty();

        // a version this job never had is no resume point: the client gets the final state
        SseClient ahead = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(last + 5)));
        assertThat(ahead.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(ahead.events()).extracting(SseClient.Event::version).containsExactly(last);
    }

    @Test
    void shouldIgnoreALastEventIdAheadOfARunningJob() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        long current = jobs.find(id).orElseThrow().version();

        SseClient client = SseClient.open(url(), "api/jobs/" + id + "/events",
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", String.valueOf(current + 100)));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() == 1);
        assertThat(client.events().get(0).version()).isEqualTo(current);
        long last = finish(id);
        assertThat(client.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(client.events().get(client.events().size() - 1).version()).isEqualTo(last);
    }

    @Test
    void shouldMarkStreamsUncacheableAndSendOnlyStandardFields() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        SseClient client = subscribed(token, id);
        finish(id);
        assertThat(client.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);

        assertThat(client.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(client.headers().firstValue("Cache-Control")).hasValue("no-cache");
        // the HTML standard defines event, data, id and retry; anything else is noise to every client
        assertThat(client.fieldNames()).isSubsetOf("event", "data", "id", "retry");
        assertThat(client.events()).hasSize(3);
    }

    @Test
    void shouldAuthenticateEventSourceWithATicket() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        String ticket = Api.as(token).post("/api/jobs/" + id + "/events-ticket").then().statusCode(200)
                .extract().path("ticket");
        SseClient withTicket = SseClient.open(url(), "api/jobs/" + id + "/events?ticket=" + ticket, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> withTicket.events().size() == 1);
        finish(id);
        assertThat(withTicket.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);

        UUID other = submit(Api.newUserToken());
        assertThat(SseClient.open(url(), "api/jobs/" + other + "/events?ticket=" + ticket, Map.of())
                .done().get(10, TimeUnit.SECONDS)).isEqualTo(401);
        assertThat(SseClient.open(url(), "api/jobs/" + id + "/events", Map.of()).done().get(10, TimeUnit.SECONDS))
                .isEqualTo(401);
        assertThat(SseClient.open(url(), "api/jobs/" + id + "/events?ticket=forged", Map.of())
                .done().get(10, TimeUnit.SECONDS)).isEqualTo(401);
        Api.as(Api.newUserToken()).post("/api/jobs/" + id + "/events-ticket").then().statusCode(404);
        assertThat(SseClient.open(url(), "api/jobs/" + id + "/events", Map.of("Authorization",
                "Bearer " + Api.newUserToken())).done().get(10, TimeUnit.SECONDS)).isEqualTo(404);
    }

    @Test
    void shouldSendEachDayAsItIsStoredBeforeTheStatusThatCountsIt() throws Exception {
        String token = Api.newUserToken();
        UUID id = submit(token);
        SseClient client = SseClient.open(url(), "api/jobs/" + id + "/events", Map.of("Authorization", "Bearer " + token));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() == 1);
        MenuJob running = jobs.start(id).orElseThrow();
        int total = running.daysTotal();
        assertThat(total).isGreaterThanOrEqualTo(2);
        days.store(id, running.attempt(), day(1), 40, MenuJobDays.Tokens.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().stream().anyMatch(e -> "day".equals(e.name())));
        days.store(id, running.attempt(), day(2), 60, MenuJobDays.Tokens.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> days(client).size() == 2);

        // each day, then the status counting it
        List<SseClient.Event> events = client.events();
        int first = events.indexOf(days(client).get(0));
        assertThat(events.get(first + 1).data()).contains("\"daysReady\":1").contains("\"daysTotal\":" + total);
        int second = events.indexOf(days(client).get(1));
        assertThat(second).isGreaterThan(first + 1);
        assertThat(events.get(second + 1).data()).contains("\"daysReady\":2");
        assertThat(days(client).get(0).data()).contains("\"day\":1").contains("\"meals\"").contains("\"totals\"");
        Api.as(token).get("/api/jobs/" + id).then().statusCode(200)
                .body("daysReady", org.hamcrest.Matchers.equalTo(2)).body("daysTotal", org.hamcrest.Matchers.equalTo(total));

        // a client that connects now gets the days so far, then the status
        SseClient late = SseClient.open(url(), "api/jobs/" + id + "/events", Map.of("Authorization", "Bearer " + token));
        await().atMost(Duration.ofSeconds(10)).until(() -> late.events().size() == 3);
        assertThat(late.events()).extracting(SseClient.Event::name).containsExactly("day", "day", "status");

        // a second attempt starts over: its days are sent again, never mixed with the first's
        MenuJob again = jobs.start(id).orElseThrow();
        // the worker's write reaches this api through its LISTEN feed: the poll shows it once notified
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.as(token).get("/api/jobs/" + id).then()
                .extract().path("daysReady").equals(0));
        days.store(id, again.attempt(), day(1), 40, MenuJobDays.Tokens.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> days(client).size() == 3);
        finish(id);
        assertThat(client.done().get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(client.events().get(client.events().size() - 1).data()).contains("\"status\":\"SUCCEEDED\"");
        assertThat(days(client)).hasSize(3);
    }

    private static List<SseClient.Event> days(SseClient client) {
        return client.events().stream().filter(e -> "day".equals(e.name())).toList();
    }

    private static Menu.Day day(int n) {
        Menu.Recipe recipe = new Menu.Recipe("Lentil soup " + n, "turkish", 30, 2,
                List.of(new Menu.Ingredient("red lentils", 200, "g")), List.of("Simmer."),
                new app.mealplanner.common.menu.Nutrition(400, 20, 60, 8), List.of());
        return new Menu.Day(n, List.of(new Menu.Meal(app.mealplanner.common.menu.MealType.DINNER, recipe)),
                recipe.nutrition(), Menu.SOURCE_LLM, "test-model");
    }

    @Test
    void shouldTellAQueuedJobItsPlaceInTheQueue() {
        String token = Api.newUserToken();
        UUID id = submit(token);
        Integer position = Api.as(token).get("/api/jobs/" + id).then().statusCode(200).extract().path("queuePosition");
        assertThat(position).isPositive();
        jobs.start(id, 1);
        Api.as(token).get("/api/jobs/" + id).then().body("queuePosition", org.hamcrest.Matchers.nullValue());
    }

    /** A stream of the job that has received the job's current state. */
    private SseClient subscribed(String token, UUID id) {
        SseClient client = SseClient.open(url(), "api/jobs/" + id + "/events", Map.of("Authorization", "Bearer " + token));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() == 1);
        return client;
    }

    private String url() {
        return base.endsWith("/") ? base : base + "/";
    }

    private static UUID submit(String token) {
        return UUID.fromString(Api.as(token).contentType(ContentType.JSON).body(Api.VALID_REQUEST).post("/api/menus")
                .then().statusCode(202).extract().path("jobId"));
    }

    /**
     * RUNNING, three progress steps, then saving, the menu and SUCCEEDED committed together, as a worker's end
     * does (JobProgress.finishWith): returns the final version.
     */
    private long runLikeAWorker(UUID id) {
        MenuJob job = jobs.start(id, 1).orElseThrow();
        jobs.progress(id, 1, Stage.PLANNING, 10);
        jobs.progress(id, 1, Stage.CALLING_MODEL, 30);
        jobs.progress(id, 1, Stage.VALIDATING, 80);
        QuarkusTransaction.requiringNew().call(() -> {
            jobs.progress(id, 1, Stage.SAVING, 95);
            return jobs.succeed(id, job.attempt(), catalogMenu(job));
        });
        return jobs.find(id).orElseThrow().version();
    }

    /** Stores a menu and SUCCEEDED, as a worker's first attempt does (starting it first if it is queued). */
    private long finish(UUID id) {
        MenuJob job = jobs.start(id, 1).orElseGet(() -> jobs.find(id).orElseThrow());
        QuarkusTransaction.requiringNew().call(() -> jobs.succeed(id, job.attempt(), catalogMenu(job)));
        return jobs.find(id).orElseThrow().version();
    }

    private static MenuJobs.MenuToStore catalogMenu(MenuJob job) {
        return MenuJobs.MenuToStore.of(job.request(),
                new Menu.Plan(Menu.SOURCE_CATALOG, null, List.of(), List.of(), List.of()), Menus.Usage.NONE);
    }
}
