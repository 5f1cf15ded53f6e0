package app.mealplanner.api.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Table;

/**
 * A counter per key in a table of the abuse limits (login failures, registrations) whose window starts with
 * its first count and restarts once it is over. One {@code INSERT … ON CONFLICT DO UPDATE} counts and answers,
 * so concurrent counts of one key are ordered by its row lock: none is lost, none is read before another lands.
 * The count is a native statement in the caller's transaction (HQL has no {@code ON CONFLICT … RETURNING});
 * the purge is HQL on the table's entity.
 */
record WindowCounter(Class<?> entity, List<String> keyColumns, String countColumn, Duration window) {

    /** The count in the window after this one, and the seconds until the window ends (at least 1). */
    record Count(long value, long secondsLeft) {
    }

    Count increment(EntityManager em, String... key) {
        String columns = String.join(", ", keyColumns);
        String restart = "t.window_start <= now() - cast(:window as interval)";
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < key.length; i++) {
            values.append(":k").append(i).append(", ");
        }
        String table = entity.getAnnotation(Table.class).name();
        String sql = "insert into " + table + " as t (" + columns + ", " + countColumn + ", window_start) values ("
                + values + "1, now()) on conflict (" + columns + ") do update set "
                + countColumn + " = case when " + restart + " then 1 else t." + countColumn + " + 1 end, "
                + "window_start = case when " + restart + " then now() else t.window_start end "
                + "returning " + countColumn + ", ceil(extract(epoch from window_start + cast(:window as interval) - now()))";
        var query = em.createNativeQuery(sql).setParameter("window", window.toSeconds() + " seconds");
        for (int i = 0; i < key.length; i++) {
            query.setParameter("k" + i, key[i]);
        }
        Object[] row = (Object[]) query.getSingleResult();
        return new Count(((Number) row[0]).longValue(), Math.max(1, ((Number) row[1]).longValue()));
    }

    /** Deletes the counters whose window is over. */
    int purge(EntityManager em) {
        return em.createQuery("delete from " + entity.getSimpleName() + " t where t.windowStart <= :end")
                .setParameter("end", Instant.now().minus(window)).executeUpdate();
    }
}
