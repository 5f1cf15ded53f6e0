package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import app.mealplanner.common.job.MenuJobRequest;
import app.mealplanner.common.local.EmbeddedDatabase;

/**
 * The query KEDA runs to size the worker Deployment, read from the ScaledObject manifest and run on a real
 * PostgreSQL with JobRunr's own tables: it counts the jobs that need a worker (waiting, running, due within
 * 30 s) and no others, whatever the session's time zone.
 */
class ScaledObjectQueryTest {

    @Test
    void theQueryCountsTheJobsThatNeedAWorker() throws Exception {
        String query = Manifests.scaledObjectQuery();
        assertThat(query).containsIgnoringCase("jobrunr_jobs");

        try (EmbeddedDatabase database = EmbeddedDatabase.startTemporary()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(database.jdbcUrl());
            dataSource.setUser(EmbeddedDatabase.USER);
            dataSource.setPassword(EmbeddedDatabase.PASSWORD);

            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            PostgresStorageProvider storage = new PostgresStorageProvider(dataSource, DatabaseOptions.CREATE);
            storage.setJobMapper(new JobMapper(new JacksonJsonMapper()));
            try {
                // No background job server runs: every job stays where the scheduler put it.
                JobRequestScheduler scheduler = new JobRequestScheduler(storage, List.of());
                List<UUID> enqueued = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    UUID id = UUID.randomUUID();
                    scheduler.enqueue(id, new MenuJobRequest(id));
                    enqueued.add(id);
                }
                for (int i = 0; i < 2; i++) {
                    UUID id = UUID.randomUUID();
                    scheduler.schedule(id, Instant.now().plus(Duration.ofDays(1)), new MenuJobRequest(id));
                }
                UUID dueSoon = UUID.randomUUID();
                scheduler.schedule(dueSoon, Instant.now().plusSeconds(10), new MenuJobRequest(dueSoon));

                assertThat(countByState(dataSource)).isEqualTo(List.of("ENQUEUED=7", "SCHEDULED=3"));

                // 7 enqueued + 1 due within 30 s; the two due tomorrow need no worker yet
                assertThat(count(dataSource, query, "UTC")).isEqualTo(8);
                // KEDA's session may have any time zone: JobRunr's timestamps are UTC without zone
                for (String zone : List.of("America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kolkata")) {
                    assertThat(count(dataSource, query, zone)).as("session time zone %s", zone).isEqualTo(8);
                }

                // a job a worker is running still needs that worker; a finished one needs none
                setState(dataSource, enqueued.get(0), "PROCESSING");
                assertThat(count(dataSource, query, "UTC")).isEqualTo(8);
                setState(dataSource, enqueued.get(0), "SUCCEEDED");
                setState(dataSource, enqueued.get(1), "FAILED");
                setState(dataSource, enqueued.get(2), "DELETED");
                assertThat(count(dataSource, query, "UTC")).isEqualTo(5);
            } finally {
                storage.close();
            }
        }
    }

    private static long count(DataSource dataSource, String query, String sessionTimeZone) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET TIME ZONE '" + sessionTimeZone + "'");
            try (ResultSet rs = statement.executeQuery(query)) {
                assertThat(rs.next()).isTrue();
                long count = rs.getLong(1);
                assertThat(rs.next()).as("one row").isFalse();
                return count;
            }
        }
    }

    private static List<String> countByState(DataSource dataSource) throws SQLException {
        List<String> counts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT state, COUNT(*) FROM jobrunr_jobs GROUP BY state ORDER BY state")) {
            while (rs.next()) {
                counts.add(rs.getString(1) + "=" + rs.getLong(2));
            }
        }
        return counts;
    }

    private static void setState(DataSource dataSource, UUID id, String state) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("UPDATE jobrunr_jobs SET state = ? WHERE id = ?")) {
            statement.setString(1, state);
            statement.setString(2, id.toString());
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }
}
