package app.mealplanner.common.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

/** Local runs keep what they committed: "users and menus survive a restart" must hold after a crash too. */
class EmbeddedDatabaseTest {

    @Test
    void shouldStartALocalRunsDatabaseWithDurableCommits() throws Exception {
        Path data = Files.createTempDirectory("local-pg");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.startPersistent(port, data);
                Connection c = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
                ResultSet rs = c.createStatement().executeQuery(
                        "select current_setting('synchronous_commit'), current_setting('fsync')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("on");
            assertThat(rs.getString(2)).isEqualTo("on");
        }
    }
}
