package app.mealplanner.common.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.menu.Menu;

/**
 * The days of a running job, stored one by one as the model writes and the worker validates them
 * ({@code menu_job_day}), and the model tokens the job has cost. Every write names the attempt it belongs
 * to and happens only while the job is RUNNING in that attempt, under the job's row lock: a cancelled job
 * or an attempt that JobRunr has since started again stores nothing, and days of two attempts never mix.
 */
@ApplicationScoped
public class MenuJobDays {

    /** Model tokens spent; added to the job's totals. */
    public record Tokens(long prompt, long completion) {
        public static final Tokens NONE = new Tokens(0, 0);

        public Tokens plus(Tokens other) {
            return new Tokens(prompt + other.prompt, completion + other.completion);
        }

        public boolean isZero() {
            return prompt == 0 && completion == 0;
        }
    }

    private final Database database;
    private final ObjectMapper json;

    public MenuJobDays(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** Removes the days earlier attempts stored: this attempt writes its own. */
    public void discardEarlierAttempts(Connection c, UUID jobId, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from menu_job_day where job_id = ? and attempt < ?")) {
            ps.setObject(1, jobId);
            ps.setInt(2, attempt);
            ps.executeUpdate();
        }
    }

    /**
     * Stores a validated day of the attempt, moves the job's progress and adds the tokens spent since the
     * last write, in one transaction; false (nothing stored) when the job is no longer RUNNING in this
     * attempt. Storing the same day again replaces it.
     */
    public boolean store(UUID jobId, int attempt, Menu.Day day, int progress, Tokens tokens) {
        String body = toJson(day);
        return database.transaction(c -> {
            if (!lockRunning(c, jobId, attempt)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("insert into menu_job_day (job_id, attempt, day, body) "
                    + "values (?, ?, ?, ?::jsonb) on conflict (job_id, day) do update set attempt = excluded.attempt, "
                    + "body = excluded.body, created_at = now()")) {
                ps.setObject(1, jobId);
                ps.setInt(2, attempt);
                ps.setInt(3, day.day());
                ps.setString(4, body);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update menu_job set days_ready = (select count(*) "
                    + "from menu_job_day where job_id = ? and attempt = ?), progress = greatest(progress, ?), "
                    + "prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ? where id = ?")) {
                ps.setObject(1, jobId);
                ps.setInt(2, attempt);
                ps.setInt(3, progress);
                ps.setLong(4, tokens.prompt());
                ps.setLong(5, tokens.completion());
                ps.setObject(6, jobId);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Adds tokens spent by calls whose work was not stored as a day (a failed attempt, a catalog fallback),
     * while the job still runs this attempt (a cancelled job stores nothing more).
     */
    public void addTokens(UUID jobId, int attempt, Tokens tokens) {
        if (tokens.isZero()) {
            return;
        }
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update menu_job set prompt_tokens = prompt_tokens + ?, "
                    + "completion_tokens = completion_tokens + ? where id = ? and status = 'RUNNING' and attempt = ?")) {
                ps.setLong(1, tokens.prompt());
                ps.setLong(2, tokens.completion());
                ps.setObject(3, jobId);
                ps.setInt(4, attempt);
                return ps.executeUpdate();
            }
        });
    }

    /** The tokens the job's model calls have cost so far, over all its attempts. */
    public Tokens tokens(UUID jobId) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select prompt_tokens, completion_tokens from menu_job where id = ?")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Tokens(rs.getLong(1), rs.getLong(2)) : Tokens.NONE;
                }
            }
        });
    }

    /** The days the attempt has stored so far, in day order. */
    public List<Menu.Day> ofAttempt(UUID jobId, int attempt) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select body from menu_job_day where job_id = ? and attempt = ? order by day")) {
                ps.setObject(1, jobId);
                ps.setInt(2, attempt);
                List<Menu.Day> days = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        days.add(fromJson(rs.getString(1)));
                    }
                }
                return days;
            }
        });
    }

    private static boolean lockRunning(Connection c, UUID jobId, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select 1 from menu_job where id = ? and status = 'RUNNING' and attempt = ? for update")) {
            ps.setObject(1, jobId);
            ps.setInt(2, attempt);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private String toJson(Menu.Day day) {
        try {
            return json.writeValueAsString(day);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a day always serialises", e);
        }
    }

    private Menu.Day fromJson(String text) {
        try {
            return json.readValue(text, Menu.Day.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored day is unreadable", e);
        }
    }
}
