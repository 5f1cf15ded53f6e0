package app.mealplanner.common.job;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.hibernate.StatelessSession;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /**
     * A day of the attempt and the job's counters, in one statement and one round trip. The insert replaces
     * the same day stored before (the day's key) and happens only while the job is RUNNING in the attempt
     * ({@link MenuJobs#RUNNING_GUARD}), whose row its select locks ({@code FOR UPDATE}, what
     * {@code PESSIMISTIC_WRITE} takes) until the transaction ends. The job's row is then updated only when a
     * day was stored: its day count (the attempt's other days as the statement's snapshot saw them, plus this
     * one: right because a job's days are stored one after another, by the job's own thread in
     * {@code MenuWriting}, not because of the lock), its progress and the tokens spent since the last write.
     * No row updated means the job moved on (cancelled, final, a later attempt) and nothing was stored. As two
     * statements (the insert, then the counters) a stored day held the job's lock and a pooled connection for
     * one more round trip, and with 1000 jobs in flight the worker's jobs queue for its connections
     * (bench/README.md, eighth session).
     * Parameters: 1 job, 2 attempt, 3 day, 4 body, 5 progress, 6 prompt tokens, 7 completion tokens.
     */
    private static final String STORE_DAY = "with stored as (insert into menu_job_day (job_id, attempt, day, body) "
            + "select id, attempt, ?3, cast(?4 as jsonb) from menu_job " + MenuJobs.RUNNING_GUARD.formatted(1, 2)
            + " for update on conflict (job_id, day) do update set attempt = excluded.attempt, "
            + "body = excluded.body, created_at = now() returning job_id) "
            + "update menu_job set days_ready = 1 + (select count(*) from menu_job_day where job_id = ?1 "
            + "and attempt = ?2 and day <> ?3), progress = greatest(progress, ?5), "
            + "prompt_tokens = prompt_tokens + ?6, completion_tokens = completion_tokens + ?7 "
            + "where id = (select job_id from stored)";

    private final MenuJobs jobs;
    private final StatelessSession stateless;
    private final ObjectMapper json;

    public MenuJobDays(MenuJobs jobs, StatelessSession stateless, ObjectMapper json) {
        this.jobs = jobs;
        this.stateless = stateless;
        this.json = json;
    }

    /** Removes the days earlier attempts stored, in the caller's transaction: this attempt writes its own. */
    @Transactional(TxType.MANDATORY)
    public void discardEarlierAttempts(UUID jobId, int attempt) {
        em().createQuery("delete from MenuJobDayEntity d where d.jobId = :job and d.attempt < :attempt")
                .setParameter("job", jobId).setParameter("attempt", attempt).executeUpdate();
    }

    /**
     * Stores a validated day of the attempt, moves the job's progress and adds the tokens spent since the
     * last write, in one statement with the job's row locked ({@link #STORE_DAY}); false (nothing stored) when
     * the job is no longer RUNNING in this attempt. Storing the same day again replaces it (one native
     * {@code INSERT … ON CONFLICT} on the day's key). The day is written as JSON before the transaction's
     * first statement takes a connection.
     */
    @Transactional
    public boolean store(UUID jobId, int attempt, Menu.Day day, int progress, Tokens tokens) {
        String body = toJson(day);
        return stateless.createNativeMutationQuery(STORE_DAY)
                .setParameter(1, jobId).setParameter(2, attempt).setParameter(3, (short) day.day())
                .setParameter(4, body).setParameter(5, (short) progress)
                .setParameter(6, (int) tokens.prompt()).setParameter(7, (int) tokens.completion())
                .executeUpdate() == 1;
    }

    /**
     * Adds tokens spent by calls whose work was not stored as a day (a failed attempt, a catalog fallback),
     * while the job still runs this attempt (a cancelled job stores nothing more).
     */
    @Transactional
    public void addTokens(UUID jobId, int attempt, Tokens tokens) {
        if (tokens.isZero()) {
            return;
        }
        jobs.update("promptTokens = promptTokens + ?1, completionTokens = completionTokens + ?2 where id = ?3 "
                + "and status = app.mealplanner.common.job.JobState.RUNNING and attempt = ?4",
                (int) tokens.prompt(), (int) tokens.completion(), jobId, attempt);
    }

    /** The tokens the job's model calls have cost so far, over all its attempts. */
    @Transactional
    public Tokens tokens(UUID jobId) {
        return em().createQuery("select j.promptTokens, j.completionTokens from MenuJobEntity j where j.id = :id",
                Object[].class).setParameter("id", jobId).getResultStream().findFirst()
                .map(row -> new Tokens((Integer) row[0], (Integer) row[1])).orElse(Tokens.NONE);
    }

    /** The days the attempt has stored so far, in day order. */
    @Transactional
    public List<Menu.Day> ofAttempt(UUID jobId, int attempt) {
        return em().createQuery("select d.body from MenuJobDayEntity d where d.jobId = :job and d.attempt = :attempt "
                + "order by d.day", Menu.Day.class)
                .setParameter("job", jobId).setParameter("attempt", attempt).getResultList();
    }

    private EntityManager em() {
        return jobs.getEntityManager();
    }

    private String toJson(Menu.Day day) {
        try {
            return json.writeValueAsString(day);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a day always serialises", e);
        }
    }
}
