package app.mealplanner.worker.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Queue depth for Prometheus: {@code menu_queue_depth{state}} with our statuses (QUEUED, RUNNING) and
 * JobRunr's states (ENQUEUED, SCHEDULED, PROCESSING, the signal KEDA scales on), and
 * {@code menu_queue_age_seconds}: how long the oldest job that could run now has waited (since it was
 * accepted, or since its retry became due; 0 when none waits). One query per scrape at most every 5 s,
 * whatever the number of series.
 */
@ApplicationScoped
public class QueueMetrics {

    private static final Duration CACHE = Duration.ofSeconds(5);
    private static final List<String> STATES = List.of("QUEUED", "RUNNING", "ENQUEUED", "SCHEDULED", "PROCESSING");
    private static final String AGE = "AGE";

    private final EntityManager em;
    private volatile Map<String, Long> counts = Map.of();
    private volatile Instant readAt = Instant.EPOCH;

    public QueueMetrics(EntityManager em) {
        this.em = em;
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (String state : STATES) {
            Gauge.builder("menu.queue.depth", this, m -> m.count(state))
                    .tag("state", state)
                    .description("jobs by state: menu_job status (QUEUED, RUNNING) and JobRunr state")
                    .register(registry);
        }
        Gauge.builder("menu.queue.age", this, m -> m.count(AGE))
                .baseUnit("seconds")
                .description("how long the oldest job that could run now has waited (0: none waits)")
                .register(registry);
    }

    private double count(String state) {
        if (Duration.between(readAt, Instant.now()).compareTo(CACHE) > 0) {
            try {
                counts = read();
            } catch (RuntimeException e) {
                return Double.NaN; // database down: no number rather than a wrong one
            }
            readAt = Instant.now();
        }
        return counts.getOrDefault(state, 0L);
    }

    /** Native: it counts JobRunr's own table too, and computes the age on the database's clock. */
    private Map<String, Long> read() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Long> out = new HashMap<>();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select status, count(*) from menu_job "
                    + "where status in ('QUEUED', 'RUNNING') group by status "
                    + "union all select state, count(*) from jobrunr_jobs "
                    + "where state in ('ENQUEUED', 'SCHEDULED', 'PROCESSING') group by state "
                    + "union all select '" + AGE + "', coalesce(extract(epoch from now() "
                    + "- min(coalesce(next_attempt_at, created_at))), 0)::bigint from menu_job "
                    + "where status = 'QUEUED' and (next_attempt_at is null or next_attempt_at <= now())")
                    .getResultList();
            for (Object[] row : rows) {
                out.merge((String) row[0], ((Number) row[1]).longValue(), Long::sum);
            }
            return out;
        });
    }
}
