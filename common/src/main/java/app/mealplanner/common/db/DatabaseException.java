package app.mealplanner.common.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** An unchecked SQL failure; {@link #unavailable()} tells a down database from a bug. */
public class DatabaseException extends RuntimeException {

    private final boolean unavailable;

    private DatabaseException(String message, SQLException cause, boolean unavailable) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    public static DatabaseException of(SQLException e) {
        String state = e.getSQLState();
        boolean unavailable = e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")))
                || (e.getMessage() != null && e.getMessage().contains("Acquisition timeout"));
        return new DatabaseException(unavailable ? "database unavailable" : "database error", e, unavailable);
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
