package app.mealplanner.worker.jobrunr;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the JobRunr server and dashboard in the worker. */
@ConfigMapping(prefix = "menu")
public interface WorkerConfig {

    Worker worker();

    Dashboard dashboard();

    interface Worker {
        /** Whether this process runs jobs; off for the dashboard-only deployment. */
        @WithDefault("true")
        boolean enabled();

        /** Jobs run at once per worker process (virtual threads; model calls wait, they do not compute). */
        @WithDefault("64")
        int threads();

        /** JobRunr's poll: the safety net behind the LISTEN wake-up (JobRunr's minimum is 5 s). */
        @WithDefault("5s")
        Duration pollInterval();

        /** Retries after a failed attempt before the job is FAILED. */
        @WithDefault("3")
        int retries();

        /** Retry n waits seed^n seconds. */
        @WithDefault("3")
        int retryBackoffSeed();

        /** How long running jobs may finish on shutdown before they are interrupted and re-queued. */
        @WithDefault("25s")
        Duration drainTime();

        /**
         * How long JobRunr keeps its own record of a succeeded job before deleting it (menu_job is the
         * history; JobRunr's rows only slow its queries down).
         */
        @WithDefault("1h")
        Duration deleteSucceededAfter();

        /** Whether to LISTEN on jobrunr_wakeup and start new jobs at once. */
        @WithDefault("true")
        boolean wakeup();

        /** The server name shown in the dashboard; the host name by default. */
        Optional<String> name();
    }

    interface Dashboard {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("8000")
        int port();

        Optional<String> username();

        Optional<String> password();
    }
}
