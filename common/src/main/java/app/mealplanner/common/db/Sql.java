package app.mealplanner.common.db;

import jakarta.persistence.EntityManager;

/**
 * What HQL cannot say, as native statements through the caller's Hibernate session (and so its
 * transaction): PostgreSQL's advisory locks. (Notifications are sent by triggers: V2, V7, V8.)
 */
public final class Sql {

    private Sql() {
    }

    /** A transaction-scoped advisory lock on {@code key}, without waiting; false when another holds it. */
    public static boolean tryTransactionLock(EntityManager em, long key) {
        return (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1)").setParameter(1, key)
                .getSingleResult();
    }

    /** The same on a text key (hashed by the database). */
    public static boolean tryTransactionLock(EntityManager em, String key) {
        return (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, key).getSingleResult();
    }
}
