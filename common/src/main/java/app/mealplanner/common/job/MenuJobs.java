package app.mealplanner.common.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.menu.MenuRequest;

/**
 * Reads and moves {@code menu_job} rows. Every transition names the states it may start from, so a
 * late or repeated step (at-least-once delivery) cannot move a final job, and the attempt it belongs to
 * (JobRunr's count: attempt n follows n - 1 failures), so that a step of one attempt cannot move the row
 * of another: a late retry decision about attempt 1 leaves attempt 2 running. Cancelling is the one
 * transition of the job as a whole.
 */
@ApplicationScoped
public class MenuJobs {

    static final String COLUMNS = "id, user_id, idempotency_key, request_hash, request, status, stage, progress, "
            + "attempt, error_code, error_message, menu_id, created_at, started_at, finished_at, next_attempt_at, version, "
            + "traceparent, days_ready, days_total";

    private final Database database;
    private final ObjectMapper json;

    public MenuJobs(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** Inserts a QUEUED job on the caller's connection (part of its transaction) and returns it. */
    public MenuJob insert(Connection c, UUID id, UUID userId, String idempotencyKey, String requestHash,
            MenuRequest request) throws SQLException {
        return insert(c, id, userId, idempotencyKey, requestHash, request, null);
    }

    /** The same, recording the W3C {@code traceparent} of the request that created the job. */
    public MenuJob insert(Connection c, UUID id, UUID userId, String idempotencyKey, String requestHash,
            MenuRequest request, String traceparent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into menu_job (id, user_id, idempotency_key, "
                + "request_hash, request, traceparent) values (?, ?, ?, ?, ?::jsonb, ?) returning " + COLUMNS)) {
            ps.setObject(1, id);
            ps.setObject(2, userId);
            ps.setString(3, idempotencyKey);
            ps.setString(4, requestHash);
            ps.setString(5, toJson(request));
            ps.setString(6, traceparent);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return read(rs);
            }
        }
    }

    public Optional<MenuJob> find(UUID id) {
        return database.run(c -> find(c, "select " + COLUMNS + " from menu_job where id = ?", id));
    }

    /** The job if it belongs to {@code userId}; another user's job is as absent as a missing one. */
    public Optional<MenuJob> findOwned(UUID id, UUID userId) {
        return database.run(c -> find(c, "select " + COLUMNS + " from menu_job where id = ? and user_id = ?", id,
                userId));
    }

    /** A job's version and status: all a conditional GET needs to answer 304. */
    public record Version(long version, JobState status) {
    }

    public Optional<Version> versionOwned(UUID id, UUID userId) {
        return database.run(c -> {
            try (PreparedStatement ps = prepare(c, "select version, status from menu_job where id = ? and user_id = ?",
                    id, userId); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Version(rs.getLong(1), JobState.valueOf(rs.getString(2))))
                        : Optional.<Version>empty();
            }
        });
    }

    private static final String START = "update menu_job set status = 'RUNNING', stage = 'planning', progress = 10, "
            + "days_ready = 0, attempt = %s, started_at = coalesce(started_at, now()), next_attempt_at = null, "
            + "error_code = null, error_message = null where id = ? and status in ('QUEUED', 'RUNNING') %s returning " + COLUMNS;

    /**
     * Marks the job RUNNING in {@code attempt}; empty when the job is final or this or a later attempt
     * already started (a stale delivery: nothing to do). Clears the error of the attempt before.
     */
    public Optional<MenuJob> start(UUID id, int attempt) {
        return database.run(c -> find(c, START.formatted("?", "and attempt < ?"), attempt, id, attempt));
    }

    /** Marks the job RUNNING in the attempt after its last one (a run that JobRunr did not count). */
    public Optional<MenuJob> start(UUID id) {
        return database.run(c -> find(c, START.formatted("attempt + 1", ""), id));
    }

    /** Moves stage and progress of a running attempt; false when the row is no longer RUNNING in it. */
    public boolean progress(UUID id, int attempt, Stage stage, int progress) {
        return database.run(c -> progress(c, id, attempt, stage, progress));
    }

    /** The same on a connection the caller holds (several steps in one borrow). */
    public boolean progress(Connection c, UUID id, int attempt, Stage stage, int progress) throws SQLException {
        return update(c, "update menu_job set stage = ?, progress = ? where id = ? and status = 'RUNNING' "
                + "and attempt = ?", stage.value(), progress, id, attempt) == 1;
    }

    /**
     * Locks the user's row until the caller's transaction ends: per-user rules hold across api pods. False
     * when the user does not exist (any more).
     */
    public boolean lockUser(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "select 1 from app_user where id = ? for update", userId);
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Takes a transaction-scoped lock on (user, key) without waiting; false when another request holds it. */
    public boolean tryLockKey(Connection c, UUID userId, String idempotencyKey) throws SQLException {
        try (PreparedStatement ps = prepare(c, "select pg_try_advisory_xact_lock(hashtextextended(?, 0))",
                userId + "/" + idempotencyKey); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    public Optional<MenuJob> findByKey(Connection c, UUID userId, String idempotencyKey) throws SQLException {
        return find(c, "select " + COLUMNS + " from menu_job where user_id = ? and idempotency_key = ?", userId,
                idempotencyKey);
    }

    /** The user's QUEUED or RUNNING jobs, oldest first, at most {@code limit}. */
    public java.util.List<UUID> active(Connection c, UUID userId, int limit) throws SQLException {
        java.util.List<UUID> ids = new java.util.ArrayList<>();
        try (PreparedStatement ps = prepare(c, "select id from menu_job where user_id = ? "
                + "and status in ('QUEUED', 'RUNNING') order by created_at limit ?", userId, limit);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    /**
     * When the user may submit again under a rolling hourly quota of {@code perHour}: empty while fewer
     * than {@code perHour} requests were accepted in the last hour, otherwise the moment the oldest of
     * the last {@code perHour} leaves the window.
     */
    public Optional<Instant> quotaFreesAt(Connection c, UUID userId, int perHour) throws SQLException {
        try (PreparedStatement ps = prepare(c, "select created_at + interval '1 hour' from menu_job "
                + "where user_id = ? and created_at > now() - interval '1 hour' "
                + "order by created_at desc offset ? limit 1", userId, perHour - 1);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
        }
    }

    /** Jobs QUEUED before this one (by creation time), plus one: 1 means next. */
    public int queuePosition(UUID id) {
        return database.run(c -> {
            try (PreparedStatement ps = prepare(c, "select count(*) + 1 from menu_job where status = 'QUEUED' "
                    + "and created_at < (select created_at from menu_job where id = ?)", id);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /**
     * The median run time of the last 100 jobs that succeeded in the past hour, and how many jobs the
     * running JobRunr servers can run at once; empty when nothing finished recently.
     */
    public Optional<double[]> recentMedianSecondsAndCapacity() {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select (select percentile_cont(0.5) within group "
                    + "(order by extract(epoch from finished_at - started_at)) from (select started_at, finished_at "
                    + "from menu_job where status = 'SUCCEEDED' and finished_at > now() - interval '1 hour' "
                    + "order by finished_at desc limit 100) recent), "
                    + "(select coalesce(sum(workerpoolsize), 0) from jobrunr_backgroundjobservers where running = 1)");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                double median = rs.getDouble(1);
                return rs.wasNull() ? Optional.<double[]>empty() : Optional.of(new double[] {median, rs.getDouble(2)});
            }
        });
    }

    /** Current rows of the given jobs (to re-send states after a lost LISTEN connection). */
    public java.util.List<MenuJob> findAll(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return java.util.List.of();
        }
        return database.run(c -> {
            java.util.List<MenuJob> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from menu_job where id = any(?)")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The database's clock, so that waits are computed on one clock. */
    public Instant now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /**
     * One page of the user's jobs, newest first, strictly after the keyset position
     * {@code (beforeCreatedAt, beforeId)} when given; {@code status} filters when not null.
     */
    public java.util.List<MenuJob> page(UUID userId, JobState status, Instant beforeCreatedAt, UUID beforeId,
            int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from menu_job where user_id = ?");
        java.util.List<Object> args = new java.util.ArrayList<>(java.util.List.of(userId));
        if (status != null) {
            sql.append(" and status = ?");
            args.add(status.name());
        }
        if (beforeCreatedAt != null) {
            sql.append(" and (created_at, id) < (?, ?)");
            args.add(Timestamp.from(beforeCreatedAt));
            args.add(beforeId);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(limit);
        return database.run(c -> {
            java.util.List<MenuJob> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = prepare(c, sql.toString(), args.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    /**
     * Marks the job SUCCEEDED with its menu, on the caller's connection (the transaction storing the menu);
     * false when the row is no longer RUNNING in this attempt (cancelled, or the job moved on without it).
     */
    public boolean succeed(Connection c, UUID id, int attempt, UUID menuId) throws SQLException {
        return update(c, "update menu_job set status = 'SUCCEEDED', stage = 'done', progress = 100, days_ready = days_total, "
                + "menu_id = ?, "
                + "finished_at = now(), next_attempt_at = null, error_code = null, error_message = null "
                + "where id = ? and status = 'RUNNING' and attempt = ?", menuId, id, attempt) == 1;
    }

    /** Records why a running attempt failed; the status moves when JobRunr decides (retry or give up). */
    public void recordError(UUID id, int attempt, String code, String message) {
        database.run(c -> update(c, "update menu_job set error_code = ?, error_message = ? "
                + "where id = ? and status = 'RUNNING' and attempt = ?", code, message, id, attempt));
    }

    /**
     * Back to QUEUED after {@code attempt} failed, waiting for JobRunr's next attempt at
     * {@code nextAttemptAt}; nothing when a later attempt already started.
     */
    public void awaitRetry(UUID id, int attempt, Instant nextAttemptAt) {
        database.run(c -> update(c, "update menu_job set status = 'QUEUED', stage = 'queued', progress = 0, "
                + "attempt = greatest(attempt, ?), next_attempt_at = ? "
                + "where id = ? and status in ('QUEUED', 'RUNNING') and attempt <= ?",
                attempt, Timestamp.from(nextAttemptAt), id, attempt));
    }

    /**
     * FAILED for good after {@code attempt}; keeps the error that attempt recorded, otherwise stores the
     * given one. Nothing when a later attempt already started.
     */
    public void fail(UUID id, int attempt, String code, String message) {
        database.run(c -> update(c, "update menu_job set status = 'FAILED', finished_at = now(), "
                + "next_attempt_at = null, "
                + "error_code = case when attempt = ? and error_code is not null then error_code else ? end, "
                + "error_message = case when attempt = ? and error_code is not null then error_message else ? end, "
                + "attempt = greatest(attempt, ?) where id = ? and status in ('QUEUED', 'RUNNING') and attempt <= ?",
                attempt, code, attempt, message, attempt, id, attempt));
    }

    /** Cancels the job unless it is final; true when this call cancelled it. */
    public boolean cancel(UUID id) {
        return database.run(c -> update(c, "update menu_job set status = 'CANCELLED', finished_at = now(), "
                + "next_attempt_at = null where id = ? and status in ('QUEUED', 'RUNNING')", id)) == 1;
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    Optional<MenuJob> find(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    MenuJob read(ResultSet rs) throws SQLException {
        return new MenuJob(
                rs.getObject("id", UUID.class),
                rs.getObject("user_id", UUID.class),
                rs.getString("idempotency_key"),
                rs.getString("request_hash"),
                fromJson(rs.getString("request")),
                JobState.valueOf(rs.getString("status")),
                Stage.of(rs.getString("stage")),
                rs.getInt("progress"),
                rs.getInt("attempt"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getObject("menu_id", UUID.class),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                instant(rs, "next_attempt_at"),
                rs.getLong("version"),
                rs.getString("traceparent"),
                rs.getInt("days_ready"),
                rs.getInt("days_total"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private String toJson(MenuRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a MenuRequest always serialises", e);
        }
    }

    private MenuRequest fromJson(String text) {
        try {
            return json.readValue(text, MenuRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored request is not a MenuRequest", e);
        }
    }
}
