package app.mealplanner.common.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.hibernate.StatelessSession;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.query.NativeQuery;

import app.mealplanner.common.db.Sql;
import app.mealplanner.common.db.StoredJson;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.MenuEntity;
import app.mealplanner.common.menu.MenuRequest;
import app.mealplanner.common.menu.Menus;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;

/**
 * Reads and moves {@code menu_job} rows (Panache repository of {@link MenuJobEntity}). Every transition is
 * an update (HQL; native for a running job's own frequent ones, see {@link #RUNNING_GUARD}, and for the start
 * of an attempt, {@code UPDATE … RETURNING}) that names the states it may start from, so a late or repeated step (at-least-once delivery) cannot move a final job, and the attempt
 * it belongs to (JobRunr's count: attempt n follows n - 1 failures), so that a step of one attempt cannot
 * move the row of another: a late retry decision about attempt 1 leaves attempt 2 running. Each reports
 * whether it moved the row. Cancelling is the one transition of the job as a whole.
 *
 * <p>Rows are read read-only (no snapshot for dirty checking: nothing here changes a loaded entity) and
 * handed out as {@link MenuJob} records. Every method joins the caller's transaction or runs in its own.
 */
@ApplicationScoped
@Transactional
public class MenuJobs implements PanacheRepositoryBase<MenuJobEntity, UUID> {

    /** HQL names the states by their enum constants. */
    private static final String S = "app.mealplanner.common.job.JobState.";
    private static final String G = "app.mealplanner.common.job.Stage.";
    private static final String ACTIVE = S + "QUEUED, " + S + "RUNNING";

    /** The columns {@link #start} returns, in the order of {@link MenuJob}'s components. */
    private static final List<String> RETURNED_COLUMNS = List.of("id", "user_id", "idempotency_key", "request_hash",
            "request", "status", "stage", "progress", "attempt", "error_code", "error_message", "menu_id", "created_at",
            "started_at", "finished_at", "next_attempt_at", "version", "traceparent", "days_ready", "days_total");
    private static final List<Class<?>> RETURNED = List.of(UUID.class, UUID.class, String.class, String.class,
            String.class, String.class, String.class, Short.class, Integer.class, String.class, String.class, UUID.class,
            Instant.class, Instant.class, Instant.class, Instant.class, Long.class, String.class, Short.class, Short.class);

    /**
     * The start of an attempt, guarded like every transition (the states and the attempt it starts from), and
     * the row it produced, in one native statement: HQL has no {@code RETURNING}. As an HQL update followed by
     * a read it took two statements, and Hibernate 7.2 translates an HQL update to SQL again on every call (it
     * keeps the translation of selects only), all before {@code started_at} is stamped: on the path of every
     * job's pick-up. A native query's parsed form is cached. {@code started_at} is the transaction's start on
     * the database's clock, as {@code created_at} is. {@code ?1} is the job's id, {@code ?2} the attempt.
     *
     * <p>The row comes back as typed columns ({@link #RETURNED}), not as a {@link MenuJobEntity}: Hibernate
     * 7.2 resolves a native query's entity mapping again on every execution (its result set mapping and entity
     * initializer): 0.58 ms of the worker's CPU per job where the JDBC version took 0.19 (bench/README.md,
     * seventh and eighth sessions). Read as scalars the start took 15-46 % less CPU, transaction included
     * (a throw-away probe, p50 of 1,500 starts a round, three rounds).
     */
    private static final String START = "update menu_job set status = '" + JobState.RUNNING + "', stage = '"
            + Stage.PLANNING.value() + "', progress = 10, days_ready = 0, attempt = %s, "
            + "started_at = coalesce(started_at, now()), next_attempt_at = null, error_code = null, "
            + "error_message = null where id = ?1 and status in ('" + JobState.QUEUED + "', '" + JobState.RUNNING
            + "')%s returning " + String.join(", ", RETURNED_COLUMNS);
    private static final String START_ATTEMPT = START.formatted("?2", " and attempt < ?2");
    private static final String START_NEXT_ATTEMPT = START.formatted("attempt + 1", "");

    /**
     * The guard of a running job's own transitions: the row is RUNNING in this attempt (formatted with the
     * positions of the job's id and of the attempt). These transitions ({@link #progress}, {@link #succeed}, the
     * day's update in {@link MenuJobDays#store}) run several times on every job's path, so they are native
     * statements in the stateless session: Hibernate 7.2 translates an HQL update to SQL again on every
     * execution (it caches the translation of selects only), 8.5 % of the worker's CPU samples with 500 model
     * jobs in flight (bench/README.md, seventh session); a native statement's parsed form is cached. The
     * transitions that happen once in a while (retry, failure, cancellation, errors) stay HQL.
     */
    static final String RUNNING_GUARD = "where id = ?%d and status = '" + JobState.RUNNING + "' and attempt = ?%d";
    private static final String PROGRESS = "update menu_job set stage = ?1, progress = ?2 " + RUNNING_GUARD.formatted(3, 4);
    /**
     * A job's menu and {@code SUCCEEDED} in one statement, one round trip: the menu is inserted only while the job
     * is RUNNING in the attempt, whose row the first select locks ({@code FOR UPDATE}); the job then names the
     * menu. When the job already has one ({@code menu_job_id_key}; no redelivery makes that state, as the start's
     * guard refuses a job that succeeded, but the key is what keeps one menu a job) the conflict's no-op update
     * returns the stored menu's id, whatever the statement's snapshot saw, and the first menu is kept. The
     * foreign key from the job to the menu is checked at the end of the statement, when the menu is there. No
     * row returned means the row moved on (cancelled, or a later attempt) and nothing was written. Native: HQL has
     * no {@code WITH} that writes, no {@code ON CONFLICT} and no {@code RETURNING}. As an insert and an update
     * (and, before them, the saving stage in a transaction of its own) it held a pooled connection for two more
     * round trips per job, and with 1000 jobs in flight the worker's jobs queue for its connections
     * (bench/README.md, eighth and ninth sessions). Parameters: 1 menu id, 2 job, 3 attempt, 4 source, 5 model,
     * 6 body, 7 prompt tokens, 8 completion tokens.
     */
    private static final String SUCCEED = "with job as (select id, user_id from menu_job "
            + RUNNING_GUARD.formatted(2, 3) + " for update), stored as (insert into menu (id, job_id, user_id, source, model, body, prompt_tokens, "
            + "completion_tokens) select ?1, id, user_id, ?4, ?5, cast(?6 as jsonb), ?7, ?8 from job "
            + "on conflict (job_id) do update set job_id = excluded.job_id returning id) "
            + "update menu_job set status = '" + JobState.SUCCEEDED + "', stage = '" + Stage.DONE.value()
            + "', progress = 100, days_ready = days_total, menu_id = (select id from stored), "
            + "finished_at = now(), next_attempt_at = null, "
            + "error_code = null, error_message = null where id = (select id from job) returning menu_id";

    /**
     * The insert of a QUEUED job, returning the columns the database fills (creation time, version, day count).
     * Native because HQL has no {@code RETURNING}; {@code persist} could say it, but a persisted entity costs
     * the persistence context's work (its snapshot, the flushes, the dirty check at commit) for a row nothing
     * here changes again, on the api's busiest path (see {@link #stateless}).
     */
    private static final String INSERT = "insert into menu_job (id, user_id, idempotency_key, request_hash, request, "
            + "traceparent) values (?1, ?2, ?3, ?4, cast(?5 as jsonb), ?6) returning created_at, version, days_total";

    /**
     * The statements on every job's path run in a stateless session of the caller's transaction (the same
     * connection and transaction): the submission's ({@link #lockUser}, {@link #usage}, {@link #insert}) and a
     * running job's ({@link #start}, {@link #progress}, {@link #succeed}). They read no entity they would change,
     * so a persistence context would only be filled, flushed and dirty-checked for nothing. Measured on the
     * submission's three statements together: CPU p50 0.29-0.40 ms with the entity manager and
     * {@code persistAndFlush}, 0.21-0.24 ms this way (bench/README.md, sixth session).
     */
    private final StatelessSession stateless;

    public MenuJobs(StatelessSession stateless) {
        this.stateless = stateless;
    }

    /** Inserts a QUEUED job in the caller's transaction and returns it as the database filled it. */
    @Transactional(TxType.MANDATORY)
    public MenuJob insert(UUID id, UUID userId, String idempotencyKey, String requestHash, MenuRequest request,
            String traceparent) {
        MenuJobEntity job = new MenuJobEntity();
        job.id = id;
        job.userId = userId;
        job.idempotencyKey = idempotencyKey;
        job.requestHash = requestHash;
        job.request = request;
        job.traceparent = traceparent;
        Object[] filled = (Object[]) stateless.createNativeQuery(INSERT)
                .addScalar("created_at", Instant.class)
                .addScalar("version", Long.class)
                .addScalar("days_total", Short.class)
                .setParameter(1, id)
                .setParameter(2, userId)
                .setParameter(3, idempotencyKey, String.class)
                .setParameter(4, requestHash)
                .setParameter(5, StoredJson.write(request))
                .setParameter(6, traceparent, String.class)
                .getSingleResult();
        job.createdAt = (Instant) filled[0];
        job.version = (Long) filled[1];
        job.daysTotal = (Short) filled[2];
        return job.toRecord();
    }

    public Optional<MenuJob> find(UUID id) {
        return one(readOnly(find("id", id)));
    }

    /** The job if it belongs to {@code userId}; another user's job is as absent as a missing one. */
    public Optional<MenuJob> findOwned(UUID id, UUID userId) {
        return one(readOnly(find("id = ?1 and userId = ?2", id, userId)));
    }

    /** A job's version and status: all a conditional GET needs to answer 304. */
    public record Version(long version, JobState status) {
    }

    public Optional<Version> versionOwned(UUID id, UUID userId) {
        return find("id = ?1 and userId = ?2", id, userId).project(Version.class).firstResultOptional();
    }

    /**
     * Marks the job RUNNING in {@code attempt}; empty when the job is final or this or a later attempt
     * already started (a stale delivery: nothing to do). Clears the error of the attempt before.
     */
    @Transactional(TxType.SUPPORTS)
    public Optional<MenuJob> start(UUID id, int attempt) {
        return started(() -> returning(START_ATTEMPT).setParameter(1, id).setParameter(2, attempt));
    }

    /** Marks the job RUNNING in the attempt after its last one (a run that JobRunr did not count). */
    @Transactional(TxType.SUPPORTS)
    public Optional<MenuJob> start(UUID id) {
        return started(() -> returning(START_NEXT_ATTEMPT).setParameter(1, id));
    }

    private NativeQuery<Object[]> returning(String sql) {
        @SuppressWarnings("unchecked")
        NativeQuery<Object[]> query = stateless.createNativeQuery(sql);
        for (int i = 0; i < RETURNED_COLUMNS.size(); i++) {
            query.addScalar(RETURNED_COLUMNS.get(i), RETURNED.get(i));
        }
        return query;
    }

    /**
     * Runs the start in the caller's transaction or in one of its own, and makes the record of the row after
     * that transaction (when it is its own) has committed and given its connection back: reading the request's
     * JSON holds no pooled connection.
     */
    private static Optional<MenuJob> started(Supplier<NativeQuery<Object[]>> start) {
        return QuarkusTransaction.joiningExisting().call(() -> start.get().getResultList().stream().findFirst())
                .map(r -> new MenuJob((UUID) r[0], (UUID) r[1], (String) r[2], (String) r[3],
                        StoredJson.read((String) r[4], MenuRequest.class), JobState.valueOf((String) r[5]),
                        Stage.of((String) r[6]), (Short) r[7], (Integer) r[8], (String) r[9], (String) r[10],
                        (UUID) r[11], (Instant) r[12], (Instant) r[13], (Instant) r[14], (Instant) r[15],
                        (Long) r[16], (String) r[17], (Short) r[18], r[19] == null ? 0 : (Short) r[19]));
    }

    /** Moves stage and progress of a running attempt; false when the row is no longer RUNNING in it. */
    public boolean progress(UUID id, int attempt, Stage stage, int progress) {
        return stateless.createNativeMutationQuery(PROGRESS)
                .setParameter(1, stage.value()).setParameter(2, (short) progress)
                .setParameter(3, id).setParameter(4, attempt).executeUpdate() == 1;
    }

    /**
     * Locks the user's row ({@code PESSIMISTIC_WRITE}) until the caller's transaction ends: per-user rules
     * hold across api pods. False when the user does not exist (any more).
     */
    @Transactional(TxType.MANDATORY)
    public boolean lockUser(UUID userId) {
        return !stateless.createSelectionQuery("select u.id from AppUser u where u.id = :id", UUID.class)
                .setParameter("id", userId)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList().isEmpty();
    }

    /** Takes a transaction-scoped lock on (user, key) without waiting; false when another request holds it. */
    @Transactional(TxType.MANDATORY)
    public boolean tryLockKey(UUID userId, String idempotencyKey) {
        return Sql.tryTransactionLock(getEntityManager(), userId + "/" + idempotencyKey);
    }

    @Transactional(TxType.MANDATORY)
    public Optional<MenuJob> findByKey(UUID userId, String idempotencyKey) {
        return one(readOnly(find("userId = ?1 and idempotencyKey = ?2", userId, idempotencyKey)));
    }

    /**
     * What the per-user rules read: how many of the user's jobs are QUEUED or RUNNING and the oldest of them,
     * and how long the user must wait under a rolling hourly quota of {@code perHour} (empty while fewer than
     * {@code perHour} requests were accepted in the last hour, otherwise the time until the oldest of the last
     * {@code perHour} leaves the window).
     */
    public record Usage(long active, UUID oldestActive, Optional<Duration> quotaWait) {
    }

    /**
     * The user's {@link Usage}, in one statement. Run it after {@link #lockUser}: a statement sees what was
     * committed before it started, so it then counts every job the user's concurrent requests inserted. Time is
     * the database's clock (which stamps {@code created_at}), read in the same statement.
     */
    @Transactional(TxType.MANDATORY)
    public Usage usage(UUID userId, int perHour) {
        Object[] row = stateless.createSelectionQuery("select "
                + "(select count(j) from MenuJobEntity j where j.userId = u.id and j.status in (" + ACTIVE + ")), "
                + "(select j.id from MenuJobEntity j where j.userId = u.id and j.status in (" + ACTIVE + ") "
                + "order by j.createdAt limit 1), "
                + "(select j.createdAt from MenuJobEntity j where j.userId = u.id order by j.createdAt desc "
                + "limit 1 offset :skip), "
                + "current_instant from AppUser u where u.id = :user", Object[].class)
                .setParameter("user", userId)
                .setParameter("skip", perHour - 1)
                .getSingleResult();
        Optional<Duration> wait = Optional.ofNullable((Instant) row[2])
                .map(oldest -> Duration.between((Instant) row[3], oldest.plus(Duration.ofHours(1))))
                .filter(Duration::isPositive);
        return new Usage((Long) row[0], (UUID) row[1], wait);
    }

    /** Jobs QUEUED before this one (by creation time), plus one: 1 means next. */
    public int queuePosition(UUID id) {
        return Math.toIntExact(getEntityManager().createQuery("select count(j) + 1 from MenuJobEntity j "
                + "where j.status = " + S + "QUEUED and j.createdAt < (select o.createdAt from MenuJobEntity o where o.id = :id)",
                Long.class).setParameter("id", id).getSingleResult());
    }

    /**
     * The median run time of the last 100 jobs that succeeded in the past hour, and how many jobs the
     * running JobRunr servers can run at once; empty when nothing finished recently. Native: a percentile
     * over a subquery, and JobRunr's own table.
     */
    public Optional<double[]> recentMedianSecondsAndCapacity() {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("select (select percentile_cont(0.5) within group "
                + "(order by extract(epoch from finished_at - started_at)) from (select started_at, finished_at "
                + "from menu_job where status = 'SUCCEEDED' and finished_at > now() - interval '1 hour' "
                + "order by finished_at desc limit 100) recent), "
                + "(select coalesce(sum(workerpoolsize), 0) from jobrunr_backgroundjobservers where running = 1)")
                .getSingleResult();
        return row[0] == null ? Optional.empty()
                : Optional.of(new double[] {((Number) row[0]).doubleValue(), ((Number) row[1]).doubleValue()});
    }

    /** Current rows of the given jobs (to re-send states after a lost LISTEN connection). */
    public List<MenuJob> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return readOnly(find("id in ?1", ids)).stream().map(MenuJobEntity::toRecord).toList();
    }

    /**
     * One page of the user's jobs, newest first, strictly after the keyset position
     * {@code (beforeCreatedAt, beforeId)} when given; {@code status} filters when not null.
     */
    public List<MenuJob> page(UUID userId, JobState status, Instant beforeCreatedAt, UUID beforeId, int limit) {
        StringBuilder hql = new StringBuilder("userId = :user");
        Parameters params = Parameters.with("user", userId);
        if (status != null) {
            hql.append(" and status = :status");
            params.and("status", status);
        }
        if (beforeCreatedAt != null) {
            hql.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", beforeCreatedAt).and("id", beforeId);
        }
        hql.append(" order by createdAt desc, id desc");
        return readOnly(find(hql.toString(), params)).range(0, limit - 1).stream().map(MenuJobEntity::toRecord)
                .toList();
    }

    /**
     * A menu ready to be stored: its body already written as JSON (as Hibernate's JSON mapping of
     * {@link MenuEntity#body} would write it), so that no transaction holds a pooled connection while it is.
     */
    public record MenuToStore(String source, String model, String body, Menus.Usage usage) {

        public static MenuToStore of(MenuRequest request, Menu.Plan plan, Menus.Usage usage) {
            return new MenuToStore(plan.source(), plan.model(), StoredJson.write(
                    new MenuEntity.Body(request, plan.days(), plan.shoppingList(), plan.warnings())), usage);
        }
    }

    /**
     * Stores the job's menu and marks the job SUCCEEDED with it ({@link #SUCCEED}), in the caller's transaction;
     * the menu's id, or empty (nothing written) when the row is no longer RUNNING in this attempt (cancelled,
     * or the job moved on without it). A job that already has a menu keeps it, and its id is returned.
     */
    @Transactional(TxType.MANDATORY)
    public Optional<UUID> succeed(UUID id, int attempt, MenuToStore menu) {
        return stateless.createNativeQuery(SUCCEED).addScalar("menu_id", UUID.class)
                .setParameter(1, UUID.randomUUID())
                .setParameter(2, id)
                .setParameter(3, attempt)
                .setParameter(4, menu.source())
                .setParameter(5, menu.model(), String.class)
                .setParameter(6, menu.body())
                .setParameter(7, menu.usage().promptTokens(), Integer.class)
                .setParameter(8, menu.usage().completionTokens(), Integer.class)
                .getResultList().stream().findFirst().map(UUID.class::cast);
    }

    /** Records why a running attempt failed; the status moves when JobRunr decides (retry or give up). */
    public boolean recordError(UUID id, int attempt, String code, String message) {
        return update("errorCode = ?1, errorMessage = ?2 where id = ?3 and status = " + S + "RUNNING and attempt = ?4", code,
                message, id, attempt) == 1;
    }

    /**
     * Back to QUEUED after {@code attempt} failed, waiting for JobRunr's next attempt at
     * {@code nextAttemptAt}; nothing (false) when a later attempt already started.
     */
    public boolean awaitRetry(UUID id, int attempt, Instant nextAttemptAt) {
        return update("status = " + S + "QUEUED, stage = " + G + "QUEUED, progress = 0, attempt = greatest(attempt, :attempt), "
                + "nextAttemptAt = :at where id = :id and status in (" + ACTIVE + ") and attempt <= :attempt",
                Parameters.with("attempt", attempt).and("at", nextAttemptAt).and("id", id)) == 1;
    }

    /**
     * FAILED for good after {@code attempt}; keeps the error that attempt recorded, otherwise stores the
     * given one. Nothing (false) when a later attempt already started.
     */
    public boolean fail(UUID id, int attempt, String code, String message) {
        return update("status = " + S + "FAILED, finishedAt = current_timestamp, nextAttemptAt = null, "
                + "errorCode = case when attempt = :attempt and errorCode is not null then errorCode else :code end, "
                + "errorMessage = case when attempt = :attempt and errorCode is not null then errorMessage else :message end, "
                + "attempt = greatest(attempt, :attempt) "
                + "where id = :id and status in (" + ACTIVE + ") and attempt <= :attempt",
                Parameters.with("attempt", attempt).and("code", code).and("message", message).and("id", id)) == 1;
    }

    /** Cancels the job unless it is final; true when this call cancelled it. */
    public boolean cancel(UUID id) {
        return update("status = " + S + "CANCELLED, finishedAt = current_timestamp, nextAttemptAt = null "
                + "where id = ?1 and status in (" + ACTIVE + ")", id) == 1;
    }

    private static PanacheQuery<MenuJobEntity> readOnly(PanacheQuery<MenuJobEntity> query) {
        return query.withHint(HibernateHints.HINT_READ_ONLY, true);
    }

    private static Optional<MenuJob> one(PanacheQuery<MenuJobEntity> query) {
        return query.firstResultOptional().map(MenuJobEntity::toRecord);
    }
}
