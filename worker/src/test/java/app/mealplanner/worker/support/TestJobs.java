package app.mealplanner.worker.support;

import java.sql.PreparedStatement;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.MenuRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Creates users and QUEUED jobs the way the api does, straight in the database. */
@ApplicationScoped
public class TestJobs {

    private final Database database;
    private final MenuJobs jobs;
    private final ObjectMapper json;

    public TestJobs(Database database, MenuJobs jobs, ObjectMapper json) {
        this.database = database;
        this.jobs = jobs;
        this.json = json;
    }

    /** Waits for the job to reach a final status and returns it. */
    public MenuJob awaitFinal(UUID id, java.time.Duration atMost) {
        return org.awaitility.Awaitility.await("job " + id).atMost(atMost)
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> jobs.find(id).orElseThrow(), j -> j.status().isFinal());
    }

    /** The prompt and completion tokens stored with the job's menu. */
    public java.util.List<Integer> tokens(UUID jobId) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select prompt_tokens, completion_tokens from menu where job_id = ?")) {
                ps.setObject(1, jobId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return java.util.Arrays.asList((Integer) rs.getObject(1), (Integer) rs.getObject(2));
                }
            }
        });
    }

    public MenuJob queued(String requestJson) throws Exception {
        return queued(requestJson, null);
    }

    /** The same, created by a request that carried this W3C {@code traceparent}. */
    public MenuJob queued(String requestJson, String traceparent) throws Exception {
        MenuRequest request = json.readValue(requestJson, MenuRequest.class);
        UUID user = UUID.randomUUID();
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into app_user (id, email, password_hash) values (?, ?, 'x')")) {
                ps.setObject(1, user);
                ps.setString(2, user + "@example.com");
                return ps.executeUpdate();
            }
        });
        return QuarkusTransaction.requiringNew()
                .call(() -> jobs.insert(UUID.randomUUID(), user, null, "hash", request, traceparent));
    }
}
