package app.mealplanner.common.menu;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;

/** Stores and reads {@code menu} rows. The body column holds request, days, shopping list and warnings. */
@ApplicationScoped
public class Menus {

    /** What the {@code body} column holds. */
    record Body(MenuRequest request, List<Menu.Day> days, List<Menu.ShoppingItem> shoppingList,
            List<String> warnings) {
    }

    /** Token counts of the model calls that produced a menu; null for catalog menus. */
    public record Usage(Integer promptTokens, Integer completionTokens) {
        public static final Usage NONE = new Usage(null, null);
    }

    private final Database database;
    private final ObjectMapper json;

    public Menus(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /**
     * Stores the menu of a job on the caller's connection and returns its id. Idempotent: when the job
     * already has a menu (a repeated run), the existing id is returned and nothing is written.
     */
    public UUID store(Connection c, UUID jobId, UUID userId, MenuRequest request, Menu.Plan plan, Usage usage)
            throws SQLException {
        String body = toJson(new Body(request, plan.days(), plan.shoppingList(), plan.warnings()));
        try (PreparedStatement ps = c.prepareStatement("insert into menu (id, job_id, user_id, source, model, body, "
                + "prompt_tokens, completion_tokens) values (?, ?, ?, ?, ?, ?::jsonb, ?, ?) "
                + "on conflict (job_id) do nothing returning id")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, jobId);
            ps.setObject(3, userId);
            ps.setString(4, plan.source());
            ps.setString(5, plan.model());
            ps.setString(6, body);
            ps.setObject(7, usage.promptTokens());
            ps.setObject(8, usage.completionTokens());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getObject(1, UUID.class);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select id from menu where job_id = ?")) {
            ps.setObject(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** The menu if it belongs to {@code userId}. */
    public Optional<Menu> findOwned(UUID id, UUID userId) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, job_id, created_at, source, model, body "
                    + "from menu where id = ? and user_id = ?")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** What a listing shows of a menu; the days and shopping list come with {@code GET /api/menus/{id}}. */
    public record Summary(UUID id, UUID jobId, java.time.Instant createdAt, String source, String model,
            MenuRequest request) {
    }

    /** One page of the user's menus, newest first, strictly after {@code (beforeCreatedAt, beforeId)}. */
    public List<Summary> page(UUID userId, java.time.Instant beforeCreatedAt, UUID beforeId, int limit) {
        return database.run(c -> {
            String sql = "select id, job_id, created_at, source, model, body -> 'request' as request from menu "
                    + "where user_id = ?" + (beforeCreatedAt == null ? "" : " and (created_at, id) < (?, ?)")
                    + " order by created_at desc, id desc limit ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setObject(i++, userId);
                if (beforeCreatedAt != null) {
                    ps.setTimestamp(i++, Timestamp.from(beforeCreatedAt));
                    ps.setObject(i++, beforeId);
                }
                ps.setInt(i, limit);
                List<Summary> out = new java.util.ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Summary(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                                rs.getTimestamp("created_at").toInstant(), rs.getString("source"),
                                rs.getString("model"), readRequest(rs.getString("request"))));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes the user's menu; false when there is no such menu of theirs. */
    public boolean delete(UUID id, UUID userId) {
        return database.transaction(c -> {
            // the days the job stored while it ran are part of the menu: they go with it
            try (PreparedStatement ps = c.prepareStatement("delete from menu_job_day where job_id in "
                    + "(select job_id from menu where id = ? and user_id = ?)")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("delete from menu where id = ? and user_id = ?")) {
                ps.setObject(1, id);
                ps.setObject(2, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private MenuRequest readRequest(String text) {
        try {
            return json.readValue(text, MenuRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored request is unreadable", e);
        }
    }

    /** How many menus a job has: 0 or 1 (the unique key says so; tests check it). */
    public int countForJob(UUID jobId) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from menu where job_id = ?")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private Menu read(ResultSet rs) throws SQLException {
        Body body = fromJson(rs.getString("body"));
        Timestamp created = rs.getTimestamp("created_at");
        return new Menu(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class), created.toInstant(),
                rs.getString("source"), rs.getString("model"), body.request(), body.days(), body.shoppingList(),
                body.warnings());
    }

    private String toJson(Body body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a menu always serialises", e);
        }
    }

    private Body fromJson(String text) {
        try {
            return json.readValue(text, Body.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored menu body is unreadable", e);
        }
    }
}
