package app.mealplanner.common.menu;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.hibernate.StatelessSession;
import org.hibernate.jpa.HibernateHints;

import app.mealplanner.common.db.StoredJson;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

/**
 * Stores and reads {@code menu} rows (Panache repository of {@link MenuEntity}). The body column holds
 * request, days, shopping list and warnings. Menus are read read-only and handed out as {@link Menu}.
 */
@ApplicationScoped
@Transactional
public class Menus implements PanacheRepositoryBase<MenuEntity, UUID> {

    /** Token counts of the model calls that produced a menu; null for catalog menus. */
    public record Usage(Integer promptTokens, Integer completionTokens) {
        public static final Usage NONE = new Usage(null, null);
    }

    private final StatelessSession stateless;

    public Menus(StatelessSession stateless) {
        this.stateless = stateless;
    }

    /**
     * A job's menu, unless the job already has one ({@code menu_job_id_key}): then nothing is written and no
     * id is returned. Native because HQL has no {@code ON CONFLICT}; the body is bound as the text
     * {@link StoredJson} writes, as Hibernate's JSON mapping of {@link MenuEntity#body} would write it.
     */
    private static final String INSERT = "insert into menu (id, job_id, user_id, source, model, body, prompt_tokens, "
            + "completion_tokens) values (?1, ?2, ?3, ?4, ?5, cast(?6 as jsonb), ?7, ?8) on conflict (job_id) do nothing "
            + "returning id";

    /**
     * Stores the menu of a job in the caller's transaction and returns its id. Idempotent: when the job
     * already has a menu (a repeated run), the existing id is returned and nothing is written. In the
     * transaction's stateless session, like a running job's other statements ({@code MenuJobs}): the menu is
     * inserted at once (before the job's row names it, {@code menu_job_menu_fk}) and never changed. One
     * native {@code INSERT … ON CONFLICT DO NOTHING} on the job's key instead of a select for an existing
     * menu and an entity insert: the pair cost 0.70 ms of the worker's CPU per job against the JDBC
     * version's 0.21, a third of it Jackson called through Hibernate's JSON mapping (bench/README.md, eighth
     * session).
     */
    @Transactional(TxType.MANDATORY)
    public UUID store(UUID jobId, UUID userId, MenuRequest request, Menu.Plan plan, Usage usage) {
        UUID id = UUID.randomUUID();
        boolean inserted = !stateless.createNativeQuery(INSERT).addScalar("id", UUID.class)
                .setParameter(1, id)
                .setParameter(2, jobId)
                .setParameter(3, userId)
                .setParameter(4, plan.source())
                .setParameter(5, plan.model(), String.class)
                .setParameter(6, StoredJson.write(
                        new MenuEntity.Body(request, plan.days(), plan.shoppingList(), plan.warnings())))
                .setParameter(7, usage.promptTokens(), Integer.class)
                .setParameter(8, usage.completionTokens(), Integer.class)
                .getResultList().isEmpty();
        if (inserted) {
            return id;
        }
        return stateless.createSelectionQuery("select m.id from MenuEntity m where m.jobId = :job", UUID.class)
                .setParameter("job", jobId).getSingleResult();
    }

    /** The menu if it belongs to {@code userId}. */
    public Optional<Menu> findOwned(UUID id, UUID userId) {
        return find("id = ?1 and userId = ?2", id, userId).withHint(HibernateHints.HINT_READ_ONLY, true)
                .firstResultOptional().map(MenuEntity::toMenu);
    }

    /** What a listing shows of a menu; the days and shopping list come with {@code GET /api/menus/{id}}. */
    public record Summary(UUID id, UUID jobId, Instant createdAt, String source, String model, MenuRequest request) {
    }

    /**
     * One page of the user's menus, newest first, strictly after {@code (beforeCreatedAt, beforeId)}. Reads
     * only the request of each body ({@link MenuEntity#request}).
     */
    public List<Summary> page(UUID userId, Instant beforeCreatedAt, UUID beforeId, int limit) {
        String keyset = beforeCreatedAt == null ? "" : " and (createdAt < :at or (createdAt = :at and id < :id))";
        Parameters params = Parameters.with("user", userId);
        if (beforeCreatedAt != null) {
            params.and("at", beforeCreatedAt).and("id", beforeId);
        }
        return find("userId = :user" + keyset + " order by createdAt desc, id desc", params).project(Summary.class)
                .range(0, limit - 1).list();
    }

    /** Deletes the user's menu and the days its job stored while it ran; false when there is no such menu of theirs. */
    public boolean delete(UUID id, UUID userId) {
        getEntityManager().createQuery("delete from MenuJobDayEntity d where d.jobId in "
                + "(select m.jobId from MenuEntity m where m.id = :id and m.userId = :user)")
                .setParameter("id", id).setParameter("user", userId).executeUpdate();
        return delete("id = ?1 and userId = ?2", id, userId) == 1;
    }

    /** How many menus a job has: 0 or 1 (the unique key says so; tests check it). */
    public int countForJob(UUID jobId) {
        return Math.toIntExact(count("jobId", jobId));
    }
}
