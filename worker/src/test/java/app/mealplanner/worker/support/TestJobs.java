package app.mealplanner.worker.support;

import java.sql.PreparedStatement;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.MenuRequest;

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

    public MenuJob queued(String requestJson) throws Exception {
        MenuRequest request = json.readValue(requestJson, MenuRequest.class);
        UUID user = UUID.randomUUID();
        return database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into app_user (id, email, password_hash) values (?, ?, 'x')")) {
                ps.setObject(1, user);
                ps.setString(2, user + "@example.com");
                ps.executeUpdate();
            }
            return jobs.insert(c, UUID.randomUUID(), user, null, "hash", request);
        });
    }
}
