package app.mealplanner.api.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A counter per key in a table of the abuse limits (login failures, registrations) whose window starts with
 * its first count and restarts once it is over. One {@code INSERT … ON CONFLICT DO UPDATE} counts and answers,
 * so concurrent counts of one key are ordered by its row lock: none is lost, none is read before another lands.
 */
record WindowCounter(String table, List<String> keyColumns, String countColumn, Duration window) {

    /** The count in the window after this one, and the seconds until the window ends (at least 1). */
    record Count(long value, long secondsLeft) {
    }

    Count increment(Connection c, String... key) throws SQLException {
        String columns = String.join(", ", keyColumns);
        String restart = "t.window_start <= now() - ?::interval";
        String sql = "insert into " + table + " as t (" + columns + ", " + countColumn + ", window_start) values ("
                + "?, ".repeat(keyColumns.size()) + "1, now()) on conflict (" + columns + ") do update set "
                + countColumn + " = case when " + restart + " then 1 else t." + countColumn + " + 1 end, "
                + "window_start = case when " + restart + " then now() else t.window_start end "
                + "returning " + countColumn + ", ceil(extract(epoch from window_start + ?::interval - now()))";
        String interval = window.toSeconds() + " seconds";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (String part : key) {
                ps.setString(i++, part);
            }
            ps.setString(i++, interval);
            ps.setString(i++, interval);
            ps.setString(i, interval);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Count(rs.getLong(1), Math.max(1, rs.getLong(2)));
            }
        }
    }

    /** Deletes the counters whose window is over. */
    int purge(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where window_start <= now() - ?::interval")) {
            ps.setString(1, window.toSeconds() + " seconds");
            return ps.executeUpdate();
        }
    }
}
