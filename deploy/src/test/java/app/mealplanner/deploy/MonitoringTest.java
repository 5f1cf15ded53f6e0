package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import app.mealplanner.common.job.JobState;
import app.mealplanner.common.job.JobStatus;

/**
 * The alerts and the Grafana board of deploy/k8s/monitoring name only series the running apps export:
 * both packaged apps are exercised (a model job, one served from the catalog after the model failed, a
 * failed job), their {@code /q/metrics} are scraped as Prometheus scrapes them, and every series and
 * label a rule or panel uses must be in series.txt, and every series there in the scrape. promtool (from
 * Debian's prometheus package) checks that each expression is valid PromQL and runs the alerts' unit tests.
 */
class MonitoringTest {

    static final Path MONITORING = Manifests.repoRoot().resolve("deploy/k8s/monitoring");
    /** Labels Prometheus adds to every series it scrapes (prometheus-operator's PodMonitor). */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "container", "instance", "job", "endpoint");
    static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,\\s*(\\w+)\\s*\\)");
    /** Grafana's variables, replaced the way Grafana does before a query reaches Prometheus. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "1m", "$namespace", ".*");

    record Listed(String app, String series, Set<String> labels) {
    }

    private static SystemUnderTest system;
    /** app → series → label names seen in its scrape */
    private static final Map<String, Map<String, Set<String>>> exported = new HashMap<>();
    private static double failedBefore;
    private static double failedAfter;

    @BeforeAll
    static void exerciseAndScrapeBothApps() throws Exception {
        system = SystemUnderTest.get();
        String token = system.newUserToken();
        failedBefore = sample(scrape(system.worker), "menu_jobs_outcome_total", Map.of("outcome", "failed"));

        // the model fails four times in a row (the call and its 3 retries): errors by code, a catalog fallback
        system.model.failNextCalls(4);
        JobStatus fallback = EndToEndTest.awaitFinal(system.api, token, EndToEndTest.submit(system.api, token,
                "{\"days\": 1, \"meals\": [\"dinner\"], \"diet\": \"omnivore\"}"));
        assertThat(fallback.status()).isEqualTo(JobState.SUCCEEDED);
        // a model menu: call latency, tokens, breaker
        JobStatus model = EndToEndTest.awaitFinal(system.api, token, EndToEndTest.submit(system.api, token,
                "{\"days\": 2, \"meals\": [\"lunch\", \"dinner\"], \"diet\": \"vegetarian\"}"));
        assertThat(model.status()).isEqualTo(JobState.SUCCEEDED);
        // a job that ends FAILED
        JobStatus failed = EndToEndTest.awaitFinal(system.api, token, EndToEndTest.submit(system.api, token, """
                {"days": 1, "meals": ["dinner"], "diet": "keto", "maxPrepMinutes": 5,
                 "allergies": ["peanuts", "tree-nuts", "milk", "eggs", "fish", "shellfish", "soy", "wheat", "sesame"]}
                """));
        assertThat(failed.status()).isEqualTo(JobState.FAILED);

        String worker = scrape(system.worker);
        exported.put("worker", seriesAndLabels(worker));
        exported.put("api", seriesAndLabels(scrape(system.api)));
        failedAfter = sample(worker, "menu_jobs_outcome_total", Map.of("outcome", "failed"));
    }

    // =====================================================================================================
    // The series list against the apps

    @Test
    void everyListedSeriesIsExportedByItsAppWithItsLabels() {
        List<String> missing = new ArrayList<>();
        for (Listed listed : listed()) {
            Set<String> labels = exported.get(listed.app()).get(listed.series());
            if (labels == null) {
                missing.add(listed.app() + " does not export " + listed.series());
            } else if (!labels.containsAll(listed.labels())) {
                missing.add(listed.app() + " exports " + listed.series() + " with labels " + labels + ", not "
                        + listed.labels());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void aJobThatEndsFailedIsCountedOnce() {
        assertThat(failedAfter - failedBefore).isEqualTo(1.0);
    }

    // =====================================================================================================
    // Rules and panels against the list

    @Test
    void everyAlertUsesOnlyListedSeriesAndLabels() {
        Map<String, String> alerts = alerts();
        assertThat(alerts.keySet()).contains("MenuQueueWaiting", "MenuQueueStalled", "MenuJobFailureRatioHigh",
                "MenuModelBreakerOpen", "MenuModelErrors", "MenuModelSlowFirstToken", "MenuModelFailingOver",
                "MenuModelDaysFromCatalog", "MenuWorkerNotDraining", "MenuDatabasePoolExhausted");
        List<String> problems = new ArrayList<>();
        alerts.forEach((alert, expr) -> problems.addAll(unknownNames("alert " + alert, expr)));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPanelAndVariableUsesOnlyListedSeriesAndLabels() {
        Map<String, String> queries = panelQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
        List<String> problems = new ArrayList<>();
        queries.forEach((panel, expr) -> problems.addAll(unknownNames(panel, expr)));
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            String query = variable.path("query").path("query").asText(variable.path("query").asText());
            Matcher m = LABEL_VALUES.matcher(query);
            while (m.find()) {
                if (!listedSeries().contains(m.group(1))) {
                    problems.add("variable " + variable.get("name").asText() + ": series " + m.group(1) + " is not listed");
                }
                if (!allowedLabels(Set.of(m.group(1))).contains(m.group(2))) {
                    problems.add("variable " + variable.get("name").asText() + ": label " + m.group(2) + " unknown");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theBoardShowsWhatTheIssueAsksFor() {
        String titles = String.join("|", panelQueries().keySet()).toLowerCase();
        assertThat(titles).contains("queue depth", "oldest waiting job", "pickup latency", "job duration by source",
                "model call latency", "tokens per second", "circuit breaker", "sse subscribers", "connection pools",
                "latency to first token", "output speed", "failovers", "days by source");
        List<Integer> ids = new ArrayList<>();
        for (JsonNode panel : dashboard().get("panels")) {
            ids.add(panel.get("id").asInt());
            JsonNode grid = panel.get("gridPos");
            assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as("panel %s fits 24 columns", panel.get("title"))
                    .isLessThanOrEqualTo(24);
        }
        assertThat(ids).doesNotHaveDuplicates();
    }

    // =====================================================================================================
    // promtool

    @Test
    void promtoolAcceptsTheRulesAndEveryPanelQuery() throws Exception {
        Path dir = Files.createTempDirectory("monitoring-check");
        Files.writeString(dir.resolve("rules.yaml"), YAML.writeValueAsString(ruleSpec()));
        assertThat(promtool(dir, "check", "rules", "rules.yaml")).contains("SUCCESS");

        // panel queries as recording rules: promtool parses each expression the way Prometheus will
        StringBuilder panels = new StringBuilder("groups:\n  - name: panels\n    rules:\n");
        int n = 0;
        for (String expr : panelQueries().values()) {
            panels.append("      - record: panel_query_").append(++n).append("\n        expr: ")
                    .append(JSON.writeValueAsString(expr)).append('\n');
        }
        Files.writeString(dir.resolve("panels.yaml"), panels.toString());
        assertThat(promtool(dir, "check", "rules", "panels.yaml")).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void theAlertsFireWhenTheirUnitTestsSayTheyShould() throws Exception {
        Path dir = Files.createTempDirectory("monitoring-test");
        Files.writeString(dir.resolve("rules.yaml"), YAML.writeValueAsString(ruleSpec()));
        Files.copy(Manifests.repoRoot().resolve("deploy/src/test/resources/monitoring/alerts-test.yaml"),
                dir.resolve("alerts-test.yaml"));
        assertThat(promtool(dir, "test", "rules", "alerts-test.yaml")).contains("SUCCESS");
    }

    // =====================================================================================================

    /** Series or labels an expression uses that series.txt does not list (or that it has none at all). */
    static List<String> unknownNames(String where, String expr) {
        PromQlNames names = PromQlNames.of(expr);
        List<String> problems = new ArrayList<>();
        if (names.metrics().isEmpty()) {
            problems.add(where + ": no series found in " + expr);
        }
        for (String metric : names.metrics()) {
            if (!listedSeries().contains(metric)) {
                problems.add(where + ": series " + metric + " is not in series.txt (not exported?)");
            }
        }
        Set<String> allowed = allowedLabels(names.metrics());
        for (String label : names.labels()) {
            if (!allowed.contains(label)) {
                problems.add(where + ": label " + label + " is not a label of " + names.metrics());
            }
        }
        return problems;
    }

    static Set<String> allowedLabels(Set<String> metrics) {
        Set<String> allowed = new TreeSet<>(TARGET_LABELS);
        listed().stream().filter(l -> metrics.contains(l.series())).forEach(l -> allowed.addAll(l.labels()));
        return allowed;
    }

    static List<Listed> listed() {
        List<Listed> out = new ArrayList<>();
        for (String line : Manifests.read(MONITORING.resolve("series.txt")).lines().toList()) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] parts = stripped.split("\\s+");
            Set<String> labels = parts.length > 2 ? new LinkedHashSet<>(List.of(parts[2].split(","))) : Set.of();
            out.add(new Listed(parts[0], parts[1], labels));
        }
        return out;
    }

    static Set<String> listedSeries() {
        Set<String> out = new TreeSet<>();
        listed().forEach(l -> out.add(l.series()));
        return out;
    }

    /** The PrometheusRule's spec: the plain Prometheus rule file inside it. */
    static JsonNode ruleSpec() {
        return tree(YAML, "prometheusrule.yaml").get("spec");
    }

    static Map<String, String> alerts() {
        Map<String, String> alerts = new LinkedHashMap<>();
        for (JsonNode group : ruleSpec().get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.put(rule.path("alert").asText(rule.path("record").asText()), rule.get("expr").asText());
            }
        }
        return alerts;
    }

    static JsonNode dashboard() {
        return tree(JSON, "grafana-dashboard.json");
    }

    private static JsonNode tree(ObjectMapper mapper, String file) {
        try {
            return mapper.readTree(MONITORING.resolve(file).toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** "panel title / refId" → its query, with Grafana's variables replaced. */
    static Map<String, String> panelQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                for (Map.Entry<String, String> v : GRAFANA_VARIABLES.entrySet()) {
                    expr = expr.replace(v.getKey(), v.getValue());
                }
                assertThat(expr).as("panel %s uses a variable the test does not know", panel.get("title")).doesNotContain("$");
                queries.put(panel.get("title").asText() + " / " + target.get("refId").asText(), expr);
            }
        }
        return queries;
    }

    static String scrape(AppProcess app) {
        return given().baseUri(app.baseUrl()).header("Accept", OPENMETRICS).get("/q/metrics")
                .then().statusCode(200).extract().asString();
    }

    /** Sample name → label names, from Prometheus text or OpenMetrics (exemplars after " # " ignored). */
    static Map<String, Set<String>> seriesAndLabels(String exposition) {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : exposition.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample sample = Sample.parse(line);
            out.computeIfAbsent(sample.name(), k -> new TreeSet<>()).addAll(sample.labels().keySet());
        }
        return out;
    }

    /** The sum of the samples of {@code name} whose labels include {@code match} (0 when there is none). */
    static double sample(String exposition, String name, Map<String, String> match) {
        double sum = 0;
        for (String line : exposition.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample s = Sample.parse(line);
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
                sum += s.value();
            }
        }
        return sum;
    }

    /** One exposition line: {@code name{l="v",…} value [timestamp] [# exemplar]}. */
    record Sample(String name, Map<String, String> labels, double value) {
        static Sample parse(String line) {
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String label = line.substring(i, eq).strip();
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2; // after ="
                    while (line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\') {
                            j++;
                        }
                        value.append(line.charAt(j++));
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                i++;
            }
            String rest = line.substring(i).strip();
            String value = rest.split("\\s+")[0]; // the value comes first; a timestamp or " # exemplar" may follow
            return new Sample(name, labels, switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        }
    }

    static String promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package "
                    + "(.ci/run takes promtool out of it)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}
