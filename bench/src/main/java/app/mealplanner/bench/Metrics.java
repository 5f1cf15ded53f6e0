package app.mealplanner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToDoubleFunction;

/** Reads the apps' Prometheus text from /q/metrics. */
final class Metrics {

    private final String text;

    private Metrics(String text) {
        this.text = text;
    }

    static Metrics of(App app) {
        try {
            HttpResponse<String> r = App.HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Metrics(r.body());
        } catch (IOException e) {
            return new Metrics("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Metrics("");
        }
    }

    /** The sum of every series of {@code name} whose labels contain all of {@code labelParts}. */
    double sum(String name, String... labelParts) {
        double total = 0;
        boolean any = false;
        for (String raw : text.split("\n")) {
            if (raw.startsWith("#") || !raw.startsWith(name)) {
                continue;
            }
            // OpenMetrics may append an exemplar: `name{labels} value # {trace_id="…"} 1.0 1795456697.9`
            String line = raw.contains(" # ") ? raw.substring(0, raw.indexOf(" # ")) : raw;
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            String seriesName = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (!seriesName.equals(name)) {
                continue;
            }
            boolean match = true;
            for (String part : labelParts) {
                if (!series.contains(part)) {
                    match = false;
                    break;
                }
            }
            if (match) {
                try {
                    total += Double.parseDouble(line.substring(space + 1).trim());
                    any = true;
                } catch (NumberFormatException ignored) {
                    // NaN and the like
                }
            }
        }
        return any ? total : Double.NaN;
    }

    double heapUsed() {
        return sum("jvm_memory_used_bytes", "area=\"heap\"");
    }

    /**
     * Samples a gauge of an app every {@code every} on a daemon thread until {@link Sampler#stop()}: the max
     * and the mean of what it saw.
     */
    static Sampler sample(App app, Duration every, ToDoubleFunction<Metrics> gauge) {
        Sampler s = new Sampler();
        s.thread = Thread.ofPlatform().daemon().name("sampler-" + app.name).start(() -> {
            while (!s.stopped) {
                double v = gauge.applyAsDouble(Metrics.of(app));
                if (!Double.isNaN(v)) {
                    s.values.add(v);
                }
                try {
                    Thread.sleep(every.toMillis()); // the sampling interval of this gauge
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return s;
    }

    /**
     * Several gauges of an app from one scrape every {@code every}: each scrape costs the process under test
     * CPU (a scrape of the worker every 250 ms per gauge was 9 % of its CPU in the model-bound run).
     */
    static List<Sampler> sample(App app, Duration every, List<ToDoubleFunction<Metrics>> gauges) {
        List<Sampler> samplers = gauges.stream().map(g -> new Sampler()).toList();
        Thread thread = Thread.ofPlatform().daemon().name("sampler-" + app.name).start(() -> {
            while (samplers.stream().noneMatch(s -> s.stopped)) {
                Metrics m = Metrics.of(app);
                for (int i = 0; i < gauges.size(); i++) {
                    double v = gauges.get(i).applyAsDouble(m);
                    if (!Double.isNaN(v)) {
                        samplers.get(i).values.add(v);
                    }
                }
                try {
                    Thread.sleep(every.toMillis()); // the sampling interval of these gauges
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        samplers.forEach(s -> s.thread = thread);
        return samplers;
    }

    static final class Sampler {
        private final ConcurrentLinkedQueue<Double> values = new ConcurrentLinkedQueue<>();
        private volatile boolean stopped;
        private Thread thread;

        Sampler stop() {
            stopped = true;
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return this;
        }

        List<Double> values() {
            return new ArrayList<>(values);
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        double mean() {
            return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }
}
