package app.mealplanner.common.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * An unchecked SQL failure; {@link #unavailable()} tells a down database from a bug, and
 * {@link #causedByUnavailableDatabase} does for any exception with an SQL cause.
 */
public class DatabaseException extends RuntimeException {

    private final boolean unavailable;

    private DatabaseException(String message, SQLException cause, boolean unavailable) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    public static DatabaseException of(SQLException e) {
        boolean unavailable = unavailable(e);
        return new DatabaseException(unavailable ? "database unavailable" : "database error", e, unavailable);
    }

    /**
     * Whether {@code failure} (say, Hibernate's or the transaction manager's exception) was caused by a
     * database that could not be reached: connection refused or lost, shutting down, pool timeout. Looks
     * through the causes and through the exceptions suppressed along the way: Narayana reports a commit
     * whose connection died as a {@code RollbackException} with the driver's failure suppressed in it, not
     * as its cause.
     */
    public static boolean causedByUnavailableDatabase(Throwable failure) {
        return causedByUnavailableDatabase(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean causedByUnavailableDatabase(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (t instanceof SQLException e && unavailable(e)) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (causedByUnavailableDatabase(suppressed, seen)) {
                return true;
            }
        }
        return causedByUnavailableDatabase(t.getCause(), seen);
    }

    private static boolean unavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")))
                || (e.getMessage() != null && e.getMessage().contains("Acquisition timeout"));
    }

    /** The database could not be reached (connection refused, lost, shutting down, pool timeout). */
    public boolean unavailable() {
        return unavailable;
    }

    /** The SQLState of the cause, e.g. 23505 for a unique violation. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
