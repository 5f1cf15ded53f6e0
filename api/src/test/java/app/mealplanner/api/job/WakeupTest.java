package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.jobrunr.MenuJobQueue;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The workers' wake-up (DESIGN §7), heard as a worker hears it: a LISTEN on {@code jobrunr_wakeup}. Every job
 * that becomes ENQUEUED in JobRunr's table is announced with its id once that is committed, whoever enqueued
 * it; updates that leave a job where it was announce nothing.
 */
@QuarkusTest
class WakeupTest {

    /** Far longer than a commit takes; only reached when a notification never comes. */
    private static final Duration NEVER = Duration.ofSeconds(10);

    @Inject
    StorageProvider jobRunr;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private Connection listening;
    /** Heard but not yet looked at. */
    private final List<PGNotification> pending = new ArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        listening = DriverManager.getConnection(url, user, password);
        try (Statement st = listening.createStatement()) {
            st.execute("LISTEN " + MenuJobQueue.WAKEUP_CHANNEL);
        }
    }

    @AfterEach
    void close() throws Exception {
        listening.close();
    }

    @Test
    void shouldWakeTheWorkersWithASubmittedJobOnlyOnceItIsVisible() throws Exception {
        UUID id = submit();

        awaitWakeup(id);
        // heard on the worker's side: the job must already be there to be fetched
        try (PreparedStatement ps = listening.prepareStatement("select state from jobrunr_jobs where id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("job %s visible when its wake-up is heard", id).isTrue();
                assertThat(rs.getString(1)).isEqualTo(StateName.ENQUEUED.name());
            }
        }
    }

    @Test
    void shouldWakeTheWorkersWhenJobRunrEnqueuesAWaitingJob() throws Exception {
        UUID id = submit();
        awaitWakeup(id);
        Job job = jobRunr.getJobById(id);
        job.scheduleAt(Instant.now().plusSeconds(30), "retry 1 of 3");
        jobRunr.save(job);
        assertThat(heardBefore(marker())).doesNotContain(id.toString());

        // what JobRunr's master does when the retry's wait is over (and the dashboard's "requeue"): not the api
        job.enqueue();
        jobRunr.save(job);

        awaitWakeup(id);
    }

    @Test
    void shouldNotWakeTheWorkersWhenAnEnqueuedJobIsSavedAgain() throws Exception {
        UUID id = submit();
        awaitWakeup(id);

        jobRunr.save(jobRunr.getJobById(id)); // a new version, still ENQUEUED (as when JobRunr updates its metadata)

        assertThat(heardBefore(marker())).doesNotContain(id.toString());
    }

    private static UUID submit() {
        return UUID.fromString(Api.as(Api.newUserToken()).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
    }

    /** Sends a payload of its own on the channel: notifications arrive in commit order, so it comes after all before it. */
    private String marker() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, MenuJobQueue.WAKEUP_CHANNEL);
            ps.setString(2, marker);
            ps.execute();
        }
        return marker;
    }

    /** The payloads heard before {@code marker}. */
    private List<String> heardBefore(String marker) throws Exception {
        List<String> heard = new ArrayList<>();
        for (String payload = next(); !payload.equals(marker); payload = next()) {
            heard.add(payload);
        }
        return heard;
    }

    private void awaitWakeup(UUID id) throws Exception {
        String payload;
        do {
            payload = next();
        } while (!payload.equals(id.toString()));
    }

    /** The next payload heard, in the order they were sent. */
    private String next() throws Exception {
        if (pending.isEmpty()) {
            PGNotification[] n = listening.unwrap(PGConnection.class).getNotifications((int) NEVER.toMillis());
            if (n == null || n.length == 0) {
                throw new AssertionError("nothing heard on " + MenuJobQueue.WAKEUP_CHANNEL + " within " + NEVER);
            }
            pending.addAll(List.of(n));
        }
        return pending.remove(0).getParameter();
    }
}
