package app.mealplanner.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The system benchmarks of issue 8, one subcommand per scenario:
 *
 * <pre>java -cp ... app.mealplanner.bench.BenchMain &lt;scenario&gt; --out &lt;report.md&gt; [--command "bench/run.sh ..."]</pre>
 *
 * Each scenario starts what it measures (embedded PostgreSQL, the packaged api and worker processes, the
 * fake model), warms up, measures, writes its report and stops everything it started, also on failure or
 * Ctrl-C. {@code bench/run.sh} is the way to call it.
 */
public final class BenchMain {

    static final Map<String, Supplier<Scenario>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("enqueue", EnqueueScenario::new);
        SCENARIOS.put("pickup", PickupScenario::new);
        SCENARIOS.put("model-bound", ModelBoundScenario::new);
        SCENARIOS.put("model-streamed", ModelStreamedScenario::new);
        SCENARIOS.put("scale-out", ScaleOutScenario::new);
        SCENARIOS.put("status-reads", StatusReadsScenario::new);
        SCENARIOS.put("sse", SseFanOutScenario::new);
        SCENARIOS.put("isolation", IsolationScenario::new);
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
            System.err.println("usage: BenchMain <" + String.join("|", SCENARIOS.keySet())
                    + "> --out <file.md> [--command <text>]");
            System.exit(2);
        }
        String name = args[0];
        Path out = null;
        String command = "bench/run.sh " + name;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path repo = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        if (out == null) {
            out = repo.resolve("bench/results/" + java.time.LocalDate.now() + "-" + name + ".md");
        }
        Scenario scenario = SCENARIOS.get(name).get();
        Runtime.getRuntime().addShutdownHook(new Thread(scenario::closeQuietly, "bench-stop-everything"));
        long started = System.nanoTime();
        int status = 0;
        try {
            Report report = scenario.run(repo);
            report.write(out, repo, command, (System.nanoTime() - started) / 1e9);
            System.out.println("[bench] wrote " + repo.relativize(out.toAbsolutePath()) + " ("
                    + (report.allMet() ? "every target met" : "target missed") + ")");
        } catch (Throwable t) {
            System.err.println("[bench] " + name + " failed: " + t);
            t.printStackTrace();
            status = 1;
        } finally {
            scenario.closeQuietly();
        }
        System.exit(status);
    }
}
