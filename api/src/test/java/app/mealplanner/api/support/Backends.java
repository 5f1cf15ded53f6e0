package app.mealplanner.api.support;

import java.sql.PreparedStatement;

import app.mealplanner.common.db.Database;
import app.mealplanner.common.testing.Signals;

/** PostgreSQL server processes, as an operator, a failing network or a stalled host would treat them. */
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

    /**
     * Stops the backend with this pid without closing its connection (SIGSTOP; the test database runs on
     * this host): its client sees an open connection that never answers again, as with a half-open one.
     */
    public static void suspend(int pid) {
        Signals.stop(pid);
    }

    /** Lets a suspended backend run again (SIGCONT). */
    public static void resume(int pid) {
        Signals.resume(pid);
    }
}
