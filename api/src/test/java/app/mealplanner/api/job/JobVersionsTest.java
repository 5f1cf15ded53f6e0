package app.mealplanner.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import app.mealplanner.api.events.JobEvent;
import app.mealplanner.common.job.JobState;

/** When the in-memory versions may answer a poll, and when they must send it to the database. */
class JobVersionsTest {

    private static final UUID JOB = UUID.randomUUID();
    private static final UUID OWNER = UUID.randomUUID();

    private final AtomicLong nanos = new AtomicLong();
    private final JobVersions versions = new JobVersions(Duration.ofSeconds(10), 1000, nanos::get);

    @Test
    void shouldKnowNothingBeforeTheListenConnectionIsUp() {
        versions.notified(event(JOB, 2, "RUNNING"));
        versions.learned(JOB, OWNER, 2, JobState.RUNNING, null, versions.generation());
        assertThat(versions.lookup(JOB)).isNull();
    }

    @Test
    void shouldFollowNotificationsForwardOnly() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        assertThat(versions.lookup(JOB).version()).isEqualTo(3);
        assertThat(versions.lookup(JOB).owner()).isEqualTo(OWNER);

        // a query that read version 2 before the notification of 3 was handled does not win
        versions.learned(JOB, OWNER, 2, JobState.RUNNING, null, versions.generation());
        assertThat(versions.lookup(JOB).version()).isEqualTo(3);

        versions.notified(event(JOB, 4, "SUCCEEDED"));
        assertThat(versions.lookup(JOB).version()).isEqualTo(4);
        assertThat(versions.lookup(JOB).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void shouldForgetEverythingWhenTheListenConnectionIsLost() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        versions.disconnected();
        assertThat(versions.lookup(JOB)).isNull();
        versions.notified(event(JOB, 4, "RUNNING")); // cannot happen while disconnected, and would not count
        assertThat(versions.lookup(JOB)).isNull();
        versions.connected();
        assertThat(versions.lookup(JOB)).isNull();
    }

    @Test
    void shouldIgnoreAQueryThatStartedBeforeAReconnect() {
        versions.connected();
        long before = versions.generation();
        versions.disconnected(); // changes may have been missed while the query ran
        versions.connected();
        versions.learned(JOB, OWNER, 2, JobState.RUNNING, null, before);
        assertThat(versions.lookup(JOB)).isNull();

        versions.learned(JOB, OWNER, 2, JobState.RUNNING, null, versions.generation());
        assertThat(versions.lookup(JOB).version()).isEqualTo(2);
    }

    @Test
    void shouldTrustAnEntryForTenSecondsAfterItWasLastConfirmed() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        versions.learned(JOB, OWNER, 3, JobState.RUNNING, null, versions.generation()); // confirmed again
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(versions.lookup(JOB)).isNotNull();
        assertThat(versions.lookup(JOB).event()).as("the fuller entry is kept").isNotNull();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(versions.lookup(JOB)).isNull();
    }

    @Test
    void shouldNotTrustAnEntryLongerForAnOlderAnswer() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        versions.learned(JOB, OWNER, 2, JobState.RUNNING, null, versions.generation()); // confirms nothing
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(versions.lookup(JOB)).isNull();
    }

    @Test
    void shouldForgetAJobOnRequest() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        versions.forget(JOB);
        assertThat(versions.lookup(JOB)).isNull();
    }

    @Test
    void shouldStayWithinItsSize() {
        versions.connected();
        for (int i = 0; i < 5000; i++) {
            versions.notified(event(UUID.randomUUID(), 1, "QUEUED"));
            assertThat(versions.size()).isLessThanOrEqualTo(1001);
        }
    }

    @Test
    void shouldKeepAPolledJobWhileManyOthersArrive() {
        versions.connected();
        versions.notified(event(JOB, 3, "RUNNING"));
        for (int i = 0; i < 5000; i++) {
            versions.notified(event(UUID.randomUUID(), 1, "QUEUED"));
            assertThat(versions.lookup(JOB)).as("after %d others", i + 1).isNotNull();
            assertThat(versions.size()).isLessThanOrEqualTo(1001);
        }
    }

    private static JobEvent event(UUID id, long version, String status) {
        OffsetDateTime now = OffsetDateTime.now();
        return new JobEvent(id, OWNER, version, status, "planning", 10, 1, now, now, null, null, null, null, null, 0, 1);
    }
}
