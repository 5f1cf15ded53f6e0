package app.mealplanner.worker.metrics;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Histogram buckets ({@code _bucket{le}}) for the latencies the Grafana board and the alerts read as
 * percentiles (deploy/k8s/monitoring), each within the range it can take, so that a handful of buckets
 * per series is enough.
 */
public class LatencyHistograms {

    private record Range(Duration min, Duration max) {
    }

    private static final Map<String, Range> RANGES = Map.of(
            "menu.jobs.pickup", new Range(Duration.ofMillis(5), Duration.ofMinutes(2)),
            "menu.jobs.duration", new Range(Duration.ofMillis(10), Duration.ofMinutes(10)),
            "menu.model.call", new Range(Duration.ofMillis(100), Duration.ofMinutes(3)),
            "menu.model.first.token", new Range(Duration.ofMillis(50), Duration.ofMinutes(2)));

    @Produces
    @Singleton
    MeterFilter latencyHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                Range range = RANGES.get(id.getName());
                if (range == null) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) range.min().toNanos())
                        .maximumExpectedValue((double) range.max().toNanos())
                        .build()
                        .merge(config);
            }
        };
    }
}
