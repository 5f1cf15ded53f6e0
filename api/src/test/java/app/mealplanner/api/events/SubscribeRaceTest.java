package app.mealplanner.api.events;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.resteasy.reactive.server.jaxrs.SseImpl;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.MenuRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A stream that opens just as the last other stream of the same job closes must still be attached to
 * the job: thousands of such pairs against the real hub, then every job ends and every stream that
 * stayed open must receive its final state.
 */
@QuarkusTest
class SubscribeRaceTest {

    private static final int JOBS = 2000;

    @Inject
    JobEventHub hub;
    @Inject
    MenuJobs jobs;
    @Inject
    Database database;
    @Inject
    ObjectMapper json;

    @Test
    void shouldAttachAStreamThatOpensAsTheLastOtherOneCloses() throws Exception {
        List<MenuJob> queued = queuedJobs(JOBS);
        List<Subscription> leaving = new ArrayList<>();
        for (MenuJob job : queued) {
            leaving.add(hub.subscribe(job, 0, new RecordingSink(), SseImpl.INSTANCE));
        }
        RecordingSink[] staying = new RecordingSink[JOBS];

        // two threads released together for every job, one closing the job's only stream while the other
        // opens a new one; one of them waits a little longer each time (0 to 4 µs, either side), so that
        // across the jobs the close lands at every point of the open
        SpinBarrier together = new SpinBarrier();
        Thread closing = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < JOBS; i++) {
                together.await(i);
                spin(i % 2 == 0 ? offset(i) : 0);
                leaving.get(i).close(); // the client went away
            }
        });
        Thread opening = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < JOBS; i++) {
                together.await(i);
                spin(i % 2 == 1 ? offset(i) : 0);
                staying[i] = new RecordingSink();
                hub.subscribe(queued.get(i), 0, staying[i], SseImpl.INSTANCE);
            }
        });
        closing.join();
        opening.join();

        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update menu_job set status = 'CANCELLED', "
                    + "finished_at = now() where id = any(?)")) {
                ps.setArray(1, c.createArrayOf("uuid", queued.stream().map(MenuJob::id).toArray()));
                return ps.executeUpdate();
            }
        });
        await("streams that received their job's final state").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> finalStatesReceived(staying), equalTo(JOBS));
    }

    private static long offset(int i) {
        return (i / 2) % 100 * 40L;
    }

    /** Busy-waits: the offsets are far below what a sleep or a park can resolve. */
    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** Releases two threads at once for round {@code i}, without the microseconds a park and unpark take. */
    static final class SpinBarrier {
        private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();

        void await(int round) {
            arrived.incrementAndGet();
            long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (arrived.get() < 2 * (round + 1)) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the other thread did not arrive at round " + round);
                }
                Thread.onSpinWait();
            }
        }
    }

    private static int finalStatesReceived(RecordingSink[] sinks) {
        int n = 0;
        for (RecordingSink sink : sinks) {
            if (sink.closed && sink.received().stream().anyMatch(data -> data.contains("\"status\":\"CANCELLED\""))) {
                n++;
            }
        }
        return n;
    }

    private List<MenuJob> queuedJobs(int n) throws Exception {
        MenuRequest request = json.readValue(Api.VALID_REQUEST, MenuRequest.class);
        UUID user = UUID.randomUUID();
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into app_user (id, email, password_hash) values (?, ?, 'x')")) {
                ps.setObject(1, user);
                ps.setString(2, "race-" + user + "@example.com");
                return ps.executeUpdate();
            }
        });
        return QuarkusTransaction.requiringNew().call(() -> {
            List<MenuJob> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(jobs.insert(UUID.randomUUID(), user, null, "hash", request, null));
            }
            return out;
        });
    }

    /** An SSE client connection that keeps what it is sent. */
    static final class RecordingSink implements SseEventSink {
        private final List<String> data = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        List<String> received() {
            return data;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            if (event.getData() != null) {
                data.add(event.getData().toString());
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
