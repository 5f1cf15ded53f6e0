package app.mealplanner.common.menu;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.hibernate.jpa.HibernateHints;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

/**
 * Reads and deletes {@code menu} rows (Panache repository of {@link MenuEntity}). The body column holds
 * request, days, shopping list and warnings. Menus are read read-only and handed out as {@link Menu}. A menu
 * is written once, together with its job's {@code SUCCEEDED} ({@code MenuJobs.succeed}), and never changed.
 */
@ApplicationScoped
@Transactional
public class Menus implements PanacheRepositoryBase<MenuEntity, UUID> {

    /** Token counts of the model calls that produced a menu; null for catalog menus. */
    public record Usage(Integer promptTokens, Integer completionTokens) {
        public static final Usage NONE = new Usage(null, null);
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
