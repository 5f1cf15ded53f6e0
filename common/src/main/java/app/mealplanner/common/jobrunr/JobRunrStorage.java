package app.mealplanner.common.jobrunr;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;

/**
 * JobRunr wiring both apps share (DESIGN §8): the storage provider on the {@code jobrunr} datasource (the
 * same database, without JTA: JobRunr commits its own connections, and none of them may join an
 * application transaction), JobRunr's own Jackson mapper (it reconfigures the ObjectMapper it is given,
 * so it never gets Quarkus's) and the scheduler. It also attaches the trigger that wakes the workers
 * whenever a job becomes ENQUEUED ({@link MenuJobQueue#WAKEUP_CHANNEL}).
 */
public class JobRunrStorage {

    /** Serialises JobRunr's table creation (and our trigger on it) when api and worker start at once on a fresh database. */
    private static final long MIGRATION_LOCK = 0x6d65_6e75_6a72L;

    /**
     * Attaches Flyway's {@code jobrunr_notify_enqueued()} (V8) to JobRunr's job table, once: every job that
     * becomes ENQUEUED wakes the workers when its transaction commits. Only after JobRunr has created the
     * table, under the same lock; a table JobRunr re-creates in a later migration gets it back at the next
     * start. The check keeps a restart from taking the table's exclusive lock that a re-creation would.
     */
    static final String ATTACH_WAKEUP_TRIGGER = """
            do $$ begin
                if not exists (select 1 from pg_trigger
                        where tgname = 'jobrunr_jobs_enqueued' and tgrelid = 'jobrunr_jobs'::regclass) then
                    create trigger jobrunr_jobs_enqueued after insert or update on jobrunr_jobs
                        for each row when (new.state = 'ENQUEUED') execute function jobrunr_notify_enqueued();
                end if;
            end $$""";

    @Produces
    @Singleton
    JsonMapper jobRunrJsonMapper() {
        return new JacksonJsonMapper();
    }

    @Produces
    @Singleton
    StorageProvider storageProvider(@DataSource("jobrunr") AgroalDataSource dataSource, JsonMapper jsonMapper) {
        try (Connection lock = dataSource.getConnection(); Statement st = lock.createStatement()) {
            st.execute("select pg_advisory_lock(" + MIGRATION_LOCK + ")");
            try {
                PostgresStorageProvider provider = new PostgresStorageProvider(dataSource, DatabaseOptions.CREATE);
                provider.setJobMapper(new JobMapper(jsonMapper));
                st.execute(ATTACH_WAKEUP_TRIGGER);
                return provider;
            } finally {
                st.execute("select pg_advisory_unlock(" + MIGRATION_LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare JobRunr's tables", e);
        }
    }

    void closeStorageProvider(@Disposes StorageProvider storageProvider) {
        storageProvider.close();
    }

    @Produces
    @Singleton
    JobRequestScheduler jobRequestScheduler(StorageProvider storageProvider) {
        return new JobRequestScheduler(storageProvider, List.of());
    }
}
