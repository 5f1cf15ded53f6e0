package app.mealplanner.api.support;

import java.sql.PreparedStatement;

import app.mealplanner.common.db.Database;

/** PostgreSQL server processes, as an operator or a failing network would end them. */
public final class Backends {

    private Backends() {
    }

    /** Ends the backend with this pid (its client sees the connection drop). */
    public static void terminate(Database database, int pid) {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                return ps.execute();
            }
        });
    }
}
