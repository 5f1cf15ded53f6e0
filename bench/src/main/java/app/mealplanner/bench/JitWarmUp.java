package app.mealplanner.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Warms the JVMs under test until HotSpot has compiled what the load runs through. A service runs for
 * hours; a benchmark that starts it and measures within a minute measures its compiler as much as its
 * code (in the model-bound runs the api's and worker's C1/C2 compiler threads took about 0.35 of the two
 * cores). So a scenario repeats a step of its own load until the compiler threads of its apps together
 * use less than {@link #SETTLED_CORES} during one step, or {@link #MAX} has passed, and reports how long
 * that took.
 */
final class JitWarmUp {

    /** Settled: the compiler threads of all apps under test together use less than this (cores). */
    static final double SETTLED_CORES = 0.05;
    /**
     * At most this much warm-up load (BENCH_JIT_MAX seconds, default 300). A larger application (more classes for
     * HotSpot to compile on two cores shared with the load) may need longer to settle: with Hibernate ORM the pickup
     * warm-up stopped at the former 180 s limit in two of six runs, compiler threads still at 0.06-0.08 cores, and
     * took 186 s to settle in another (the pickup reports of 2026-12-01 on branch h15). A comparison of two builds
     * should measure both settled.
     */
    static final Duration MAX = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("BENCH_JIT_MAX", "300")));

    /** One step of warm-up load, a few seconds long. */
    interface Step {
        void run() throws Exception;
    }

    /** How a warm-up went, for the report. */
    record Result(double seconds, double lastCores, boolean settled) {

        String describe() {
            return settled
                    ? String.format("%.0f s of warm-up load until the JIT compiler threads used %.2f cores", seconds,
                            lastCores)
                    : String.format("%.0f s of warm-up load (the %d s limit), the JIT compiler threads still at %.2f "
                            + "cores", seconds, MAX.toSeconds(), lastCores);
        }
    }

    private JitWarmUp() {
    }

    static Result until(String scenario, List<App> apps, Step step) throws Exception {
        return until(scenario, apps, () -> {
        }, step);
    }

    /** The same, running {@code prepare} before each step, outside the measured compiler time. */
    static Result until(String scenario, List<App> apps, Step prepare, Step step) throws Exception {
        long start = System.nanoTime();
        int steps = 0;
        while (true) {
            prepare.run();
            CpuMeter meter = new CpuMeter();
            for (App app : apps) {
                meter.withJit(app.name, app);
            }
            meter.start();
            step.run();
            Map<String, Double> cpu = meter.stop();
            double jit = apps.stream().mapToDouble(a -> cpu.get(a.name + CpuMeter.PART)).sum();
            steps++;
            double seconds = (System.nanoTime() - start) / 1e9;
            Scenario.log("%s: warming up, %.0f s: JIT compiling %.2f cores", scenario, seconds, jit);
            // the first step always compiles; a later one that compiles little means the code is compiled
            if (steps > 1 && jit < SETTLED_CORES) {
                return new Result(seconds, jit, true);
            }
            if (seconds >= MAX.toSeconds()) {
                return new Result(seconds, jit, false);
            }
        }
    }
}
