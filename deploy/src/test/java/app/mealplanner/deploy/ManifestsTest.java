package app.mealplanner.deploy;

import static app.mealplanner.deploy.Manifests.appProperties;
import static app.mealplanner.deploy.Manifests.k8s;
import static app.mealplanner.deploy.Manifests.repoRoot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The deployment assets agree with each other and with the apps: every manifest parses strictly into
 * fabric8's model, the kustomizations list what exists, probes, ports and environment variables match the
 * apps' application.properties, the KEDA objects carry what KEDA needs, and the Dockerfiles build and run
 * the Quarkus fast-jar as a non-root user. With kubectl on the PATH the rendered overlays are checked too.
 */
class ManifestsTest {

    static final String API = "meal-planner-api";
    static final String WORKER = "meal-planner-worker";
    static final String DASHBOARD = "meal-planner-dashboard";
    static final String CONFIG = "meal-planner-config";
    static final String PART_OF = "app.kubernetes.io/part-of";
    static final String PART_OF_VALUE = "smart-meal-planner";
    static final long APP_UID = 10001;

    /** The kinds the manifests may use, by apiVersion/kind, and the class fabric8 must parse them into. */
    static final Map<String, Class<? extends HasMetadata>> MODEL = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", GenericKubernetesResource.class),
            Map.entry("keda.sh/v1alpha1/TriggerAuthentication", GenericKubernetesResource.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", GenericKubernetesResource.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", GenericKubernetesResource.class));

    // =====================================================================================================
    // Parsing

    @Test
    void everyManifestParsesStrictlyIntoItsModelClass() {
        List<String> problems = new ArrayList<>();
        int documents = 0;
        for (Path file : Manifests.yamlFiles(k8s())) {
            if (Manifests.isKustomization(file)) {
                continue;
            }
            String where = k8s().relativize(file).toString();
            List<HasMetadata> resources;
            try {
                resources = Manifests.load(file);
            } catch (RuntimeException e) {
                problems.add(where + ": does not parse: " + e.getMessage());
                continue;
            }
            for (HasMetadata resource : resources) {
                documents++;
                String key = resource.getApiVersion() + "/" + resource.getKind();
                Class<? extends HasMetadata> expected = MODEL.get(key);
                if (expected == null) {
                    problems.add(where + ": unexpected kind " + key + " (add it to MODEL with its model class)");
                    continue;
                }
                if (resource.getClass() != expected) {
                    problems.add(where + ": " + key + " parsed as " + resource.getClass().getName());
                }
                if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
                    problems.add(where + ": " + key + " without metadata.name");
                }
                Manifests.unknownFields(resource).forEach(p -> problems.add(where + ": " + p));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(documents).as("documents under deploy/k8s").isGreaterThanOrEqualTo(20);
    }

    @Test
    void theStrictCheckFindsMisspelledFieldsAtAnyDepth() {
        List<HasMetadata> parsed = Manifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                  lables: {a: b}
                spec:
                  template:
                    spec:
                      containers:
                        - name: c
                          readinessProbe:
                            httpGet: {paht: /q/health/ready, port: 8080}
                          resources:
                            limits: {memory: 1Gi}
                            requestz: {cpu: 1}
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: y
                  annotation: {a: b}
                spec: {anything: goes}
                """);
        assertThat(parsed).hasSize(2);
        assertThat(Manifests.unknownFields(parsed.get(0))).containsExactlyInAnyOrder(
                "Deployment.metadata: unknown [lables]",
                "Deployment.spec.template.spec.containers[0].readinessProbe.httpGet: unknown [paht]",
                "Deployment.spec.template.spec.containers[0].resources: unknown [requestz]");
        assertThat(parsed.get(1)).isInstanceOf(GenericKubernetesResource.class);
        assertThat(Manifests.unknownFields(parsed.get(1))).containsExactly("ScaledObject.metadata: unknown [annotation]");
    }

    // =====================================================================================================
    // Kustomizations

    static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "namespace", "namePrefix",
            "nameSuffix", "labels", "commonLabels", "commonAnnotations", "resources", "components", "patches",
            "images", "replicas", "configMapGenerator", "secretGenerator", "generatorOptions");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "monitoring"})
    void kustomizationListsOnlyFilesThatExist(String dir) {
        Path root = k8s().resolve(dir);
        Map<String, Object> kustomization = Manifests.kustomization(root);
        assertThat(kustomization.keySet()).as("fields of %s/kustomization.yaml", dir).isSubsetOf(KUSTOMIZATION_FIELDS);
        assertThat(kustomization).containsEntry("kind", "Kustomization");

        List<String> missing = new ArrayList<>();
        for (String entry : Manifests.stringList(kustomization.get("resources"))) {
            Path target = root.resolve(entry).normalize();
            boolean ok = Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml"));
            if (!ok) {
                missing.add("resources: " + entry);
            }
        }
        for (String entry : Manifests.stringList(kustomization.get("components"))) {
            if (!Files.isRegularFile(root.resolve(entry).resolve("kustomization.yaml"))) {
                missing.add("components: " + entry);
            }
        }
        for (Object patch : list(kustomization.get("patches"))) {
            Object path = patch instanceof Map<?, ?> m ? m.get("path") : patch;
            if (path != null && !Files.isRegularFile(root.resolve(String.valueOf(path)))) {
                missing.add("patches: " + path);
            }
        }
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            for (Object item : list(kustomization.get(generator))) {
                Map<?, ?> g = (Map<?, ?>) item;
                for (String key : List.of("files", "envs")) {
                    for (String file : Manifests.stringList(g.get(key))) {
                        String path = file.contains("=") ? file.substring(file.indexOf('=') + 1) : file;
                        if (!Files.isRegularFile(root.resolve(path))) {
                            missing.add(generator + " " + key + ": " + file);
                        }
                    }
                }
            }
        }
        assertThat(missing).as("entries of %s/kustomization.yaml", dir).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "monitoring"})
    void everyManifestInAKustomizationFolderIsUsed(String dir) {
        Path root = k8s().resolve(dir);
        Map<String, Object> kustomization = Manifests.kustomization(root);
        Set<Path> used = new HashSet<>();
        Manifests.stringList(kustomization.get("resources")).forEach(r -> used.add(root.resolve(r).normalize()));
        for (Object patch : list(kustomization.get("patches"))) {
            Object path = patch instanceof Map<?, ?> m ? m.get("path") : patch;
            used.add(root.resolve(String.valueOf(path)).normalize());
        }
        try (Stream<Path> files = Files.list(root)) {
            List<Path> unused = files.filter(f -> f.toString().endsWith(".yaml") && !Manifests.isKustomization(f))
                    .map(Path::normalize)
                    .filter(f -> !used.contains(f))
                    .toList();
            assertThat(unused).as("YAML files in %s that its kustomization.yaml does not use", dir).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theBaseIsNamespaceAgnosticAndTheOverlaysSetTheirNamespace() {
        assertThat(Manifests.kustomization(k8s().resolve("base"))).doesNotContainKey("namespace");
        for (Path file : Manifests.yamlFiles(k8s())) {
            if (!Manifests.isKustomization(file)) {
                for (HasMetadata r : Manifests.load(file)) {
                    assertThat(r.getMetadata().getNamespace()).as("namespace of %s in %s", r.getMetadata().getName(), file)
                            .isNull();
                }
            }
        }
        assertThat(Manifests.kustomization(k8s().resolve("overlays/dev"))).containsEntry("namespace", "meal-planner-dev");
        assertThat(Manifests.kustomization(k8s().resolve("overlays/prod"))).containsEntry("namespace", "meal-planner");
        assertThat(Manifests.kustomization(k8s().resolve("base")).get("labels")).asString()
                .contains(PART_OF).contains(PART_OF_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void overlayPatchesAndImagesTargetWhatTheBaseHas(String dir) {
        Path root = k8s().resolve(dir);
        Map<String, Object> kustomization = Manifests.kustomization(root);
        assertThat(Manifests.stringList(kustomization.get("resources"))).containsExactly("../../base");
        Set<String> inBase = base().resources().stream().map(ManifestsTest::id).collect(Collectors.toSet());
        for (Object patch : list(kustomization.get("patches"))) {
            Object path = patch instanceof Map<?, ?> m ? m.get("path") : patch;
            for (HasMetadata r : Manifests.load(root.resolve(String.valueOf(path)))) {
                assertThat(inBase).as("the base resource that %s patches", path).contains(id(r));
            }
        }
        Set<String> baseImages = base().all(Deployment.class).stream()
                .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                .map(c -> c.getImage().substring(0, c.getImage().lastIndexOf(':')))
                .collect(Collectors.toSet());
        List<Object> images = list(kustomization.get("images"));
        assertThat(images).isNotEmpty();
        for (Object image : images) {
            Map<?, ?> m = (Map<?, ?>) image;
            assertThat(baseImages).contains(String.valueOf(m.get("name")));
            assertThat(String.valueOf(m.get("newTag"))).isNotBlank().isNotEqualTo("latest");
        }
    }

    @Test
    void secretTemplatesArePlaceholdersKeptOutOfTheKustomization() {
        assertThat(Manifests.stringList(Manifests.kustomization(k8s().resolve("base")).get("resources")))
                .noneMatch(r -> r.startsWith("secrets"));
        List<Secret> templates = secretTemplates();
        assertThat(templates).extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder(
                "meal-planner-db", "meal-planner-openai", "meal-planner-jwt", "meal-planner-dashboard");
        for (Secret secret : templates) {
            assertThat(secret.getType()).isEqualTo("Opaque");
            assertThat(secret.getData()).as("data of %s (use stringData)", secret.getMetadata().getName()).isNullOrEmpty();
            assertThat(secret.getStringData()).isNotEmpty();
            assertThat(secret.getStringData().values()).anyMatch(v -> v.contains("REPLACE_ME"));
        }
        assertThat(template("meal-planner-jwt").getStringData()).containsOnlyKeys("public.pem", "private.pem");
        assertThat(template("meal-planner-db").getStringData())
                .containsOnlyKeys("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "keda-connection");
    }

    // =====================================================================================================
    // The base against the apps

    @Test
    void probesAndPortsMatchTheApps() {
        checkProbesAndPorts(base());
    }

    @Test
    void containersSetOnlyVariablesTheirAppReadsAndEveryReferenceResolves() {
        checkEnvironment(base());
    }

    @Test
    void theWorkerOutlastsItsDrainAndTheApiItsPreStopPause() {
        checkGracePeriods(base());
    }

    @Test
    void theHeapLeavesTheRestOfTheJvmRoomUnderEveryMemoryLimit() {
        checkMemoryHeadroom(base());
    }

    @Test
    void podsRunAsTheImageUserLockedDown() {
        checkSecurity(base());
    }

    @Test
    void servicesIngressAutoscalersAndBudgetsPointAtExistingPods() {
        checkWiring(base());
    }

    @Test
    void networkPoliciesOpenOnlyWhatTheBriefAllows() {
        checkNetworkPolicies(base());
    }

    @Test
    void theScaledObjectHasWhatKedaNeeds() {
        checkScaledObject(base());
    }

    @Test
    void theBaseHasTheBriefsSizes() {
        Bundle base = base();
        assertThat(base.deployment(API).getSpec().getReplicas()).isEqualTo(2);
        assertThat(base.deployment(WORKER).getSpec().getReplicas()).isEqualTo(1);
        assertThat(base.deployment(API).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(45);
        assertThat(base.deployment(WORKER).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(60);
        HorizontalPodAutoscaler hpa = base.one(HorizontalPodAutoscaler.class, API);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        GenericKubernetesResource scaledObject = base.scaledObject(WORKER);
        assertThat(number(scaledObject.get("spec", "maxReplicaCount"))).isEqualTo(20);
        assertThat(number(scaledObject.get("spec", "pollingInterval"))).isEqualTo(10);
        assertThat(number(scaledObject.get("spec", "cooldownPeriod"))).isEqualTo(120);
        assertThat(base.one(PodDisruptionBudget.class, API).getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(base.one(PodDisruptionBudget.class, WORKER).getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        base.all(Deployment.class).forEach(d -> assertThat(d.getSpec().getTemplate().getSpec().getContainers())
                .allMatch(c -> c.getImage().endsWith(":latest") && c.getImage().startsWith("ghcr.io/example/meal-planner-")));
    }

    // =====================================================================================================
    // The overlays, rendered by kubectl's built-in kustomize (kubectl is part of this machine image)

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void renderedOverlayPassesEveryCheck(String overlay) {
        assertThat(kubectlAvailable()).as("kubectl on the PATH (it renders the overlays with its built-in kustomize)").isTrue();
        Bundle rendered = new Bundle("overlays/" + overlay, Manifests.parse(kustomize(k8s().resolve("overlays/" + overlay))));
        List<String> unknown = rendered.resources().stream().flatMap(r -> Manifests.unknownFields(r).stream()).toList();
        assertThat(unknown).isEmpty();
        assertThat(rendered.resources()).extracting(ManifestsTest::id)
                .containsExactlyInAnyOrderElementsOf(base().resources().stream().map(ManifestsTest::id).toList());

        checkProbesAndPorts(rendered);
        checkEnvironment(rendered);
        checkGracePeriods(rendered);
        checkMemoryHeadroom(rendered);
        checkSecurity(rendered);
        checkWiring(rendered);
        checkNetworkPolicies(rendered);
        checkScaledObject(rendered);

        String namespace = overlay.equals("dev") ? "meal-planner-dev" : "meal-planner";
        assertThat(rendered.resources()).allMatch(r -> namespace.equals(r.getMetadata().getNamespace()));
        assertThat(rendered.resources()).allMatch(r -> PART_OF_VALUE.equals(r.getMetadata().getLabels().get(PART_OF)));
        rendered.all(Deployment.class).forEach(d -> assertThat(d.getSpec().getTemplate().getSpec().getContainers())
                .noneMatch(c -> c.getImage().endsWith(":latest")));
        ConfigMap config = rendered.one(ConfigMap.class, CONFIG);
        HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class, API);
        GenericKubernetesResource scaledObject = rendered.scaledObject(WORKER);
        Ingress ingress = rendered.one(Ingress.class, API);
        if (overlay.equals("dev")) {
            assertThat(rendered.deployment(API).getSpec().getReplicas()).isEqualTo(1);
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
            assertThat(config.getData()).containsEntry("CORS_ORIGINS", "http://localhost:5173");
            assertThat(memoryLimit(rendered, API)).isLessThan(memoryLimit(base(), API));
            assertThat(memoryLimit(rendered, WORKER)).isLessThan(memoryLimit(base(), WORKER));
        } else {
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(20);
            assertThat(number(scaledObject.get("spec", "maxReplicaCount"))).isEqualTo(50);
            assertThat(memoryLimit(rendered, API)).isGreaterThan(memoryLimit(base(), API));
            assertThat(memoryLimit(rendered, WORKER)).isGreaterThan(memoryLimit(base(), WORKER));
            assertThat(ingress.getSpec().getRules()).extracting(IngressRule::getHost).doesNotContain("meals.example.com");
        }
    }

    // =====================================================================================================
    // Monitoring (deploy/k8s/monitoring; MonitoringTest checks its series against the running apps)

    @Test
    void monitoringRendersRulesPodMonitorAndBoardForThePodsOfTheBase() throws IOException {
        assertThat(kubectlAvailable()).as("kubectl on the PATH").isTrue();
        Path root = k8s().resolve("monitoring");
        List<HasMetadata> rendered = Manifests.parse(kustomize(root));
        assertThat(rendered).extracting(ManifestsTest::id).containsExactlyInAnyOrder("PrometheusRule/meal-planner",
                "PodMonitor/meal-planner", "ConfigMap/meal-planner-grafana-dashboard");
        assertThat(rendered).allMatch(r -> PART_OF_VALUE.equals(r.getMetadata().getLabels().get(PART_OF)));

        ConfigMap board = (ConfigMap) rendered.stream().filter(r -> r instanceof ConfigMap).findFirst().orElseThrow();
        assertThat(board.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(board.getData()).containsOnlyKeys("grafana-dashboard.json");
        assertThat(board.getData().get("grafana-dashboard.json")).isEqualTo(Files.readString(root.resolve("grafana-dashboard.json")));

        GenericKubernetesResource podMonitor = (GenericKubernetesResource) rendered.stream()
                .filter(r -> r.getKind().equals("PodMonitor")).findFirst().orElseThrow();
        Map<?, ?> matchLabels = (Map<?, ?>) podMonitor.get("spec", "selector", "matchLabels");
        List<Object> names = list(((Map<?, ?>) list(podMonitor.get("spec", "selector", "matchExpressions")).get(0)).get("values"));
        Map<?, ?> endpoint = (Map<?, ?>) list(podMonitor.get("spec", "podMetricsEndpoints")).get(0);
        assertThat(endpoint.get("path")).isEqualTo("/q/metrics");
        for (Deployment d : base().all(Deployment.class)) {
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).as("pod labels of %s", d.getMetadata().getName()).containsAllEntriesOf(
                    matchLabels.entrySet().stream().collect(Collectors.toMap(e -> String.valueOf(e.getKey()),
                            e -> String.valueOf(e.getValue()))));
            assertThat(names).contains(podLabels.get("app.kubernetes.io/name"));
            String app = d.getMetadata().getName().equals(API) ? "api" : "worker";
            int metricsPort = Integer.parseInt(appProperties(app).getProperty("quarkus.http.port"));
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                    .as("the port %s of %s", endpoint.get("port"), d.getMetadata().getName())
                    .anyMatch(p -> p.getName().equals(endpoint.get("port")) && p.getContainerPort() == metricsPort);
        }
    }

    // =====================================================================================================
    // Dockerfiles and .dockerignore

    @ParameterizedTest
    @ValueSource(strings = {"api", "worker"})
    void dockerfileBuildsTheFastJarAndRunsItAsNonRoot(String app) {
        // a syntax directive makes BuildKit pull its Dockerfile frontend from a registry; the built-in one
        // builds these files (deploy/docker/smoke.sh builds them where no registry is reachable)
        assertThat(Manifests.read(repoRoot().resolve("deploy/docker/" + app + ".Dockerfile")))
                .doesNotContainPattern("(?im)^#\\s*syntax\\s*=");
        List<Instruction> instructions = dockerfile(app);
        List<Instruction> froms = instructions.stream().filter(i -> i.is("FROM")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0).args()).matches("(?i)eclipse-temurin:21-jdk\\s+AS\\s+build");
        assertThat(froms.get(1).args()).startsWith("eclipse-temurin:21-jre");

        int runtimeStart = instructions.indexOf(froms.get(1));
        List<Instruction> build = instructions.subList(0, runtimeStart);
        List<Instruction> runtime = instructions.subList(runtimeStart, instructions.size());

        assertThat(build).filteredOn(i -> i.is("RUN")).anySatisfy(i -> assertThat(i.args())
                .contains("./mvnw").contains("-DskipTests").contains("-pl " + app + " -am").contains("package"));

        for (String part : List.of("lib/", "app/", "quarkus/", "quarkus-run.jar")) {
            assertThat(runtime).filteredOn(i -> i.is("COPY")).as("COPY of quarkus-app/%s", part).anySatisfy(i -> {
                assertThat(i.args()).contains("--from=build").contains(app + "/target/quarkus-app/" + part);
                assertThat(i.args()).doesNotContain("--chown");
            });
        }

        List<Instruction> users = runtime.stream().filter(i -> i.is("USER")).toList();
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).args().split(":")[0];
        assertThat(user).isNotIn("root", "0").isEqualTo(String.valueOf(APP_UID));
        assertThat(runtime).filteredOn(i -> i.is("RUN"))
                .anySatisfy(i -> assertThat(i.args()).contains("--uid " + APP_UID).contains("nologin"));

        assertThat(exposedPorts(runtime)).isEqualTo(expectedImagePorts(app));
        assertThat(imageJavaOpts(app)).contains("-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        Instruction entrypoint = runtime.stream().filter(i -> i.is("ENTRYPOINT")).reduce((a, b) -> b).orElseThrow();
        assertThat(entrypoint.args()).startsWith("[").contains("exec java $JAVA_OPTS -jar /app/quarkus-run.jar");
    }

    @Test
    void dockerignoreKeepsTheBuildInputsAndDropsTheRest() throws IOException {
        List<String> patterns = Files.readAllLines(repoRoot().resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

        List<String> needed = new ArrayList<>(List.of("pom.xml", "mvnw", "deploy/pom.xml", "common/pom.xml", "api/pom.xml",
                "worker/pom.xml"));
        for (String root : List.of(".mvn", "common/src", "api/src", "worker/src")) {
            try (Stream<Path> files = Files.walk(repoRoot().resolve(root))) {
                files.filter(Files::isRegularFile)
                        .map(f -> repoRoot().relativize(f).toString().replace('\\', '/'))
                        .filter(f -> !f.contains("/target/"))
                        .filter(f -> !f.equals(".mvn/maven.config")) // a developer's own settings, if any
                        .forEach(needed::add);
            }
        }
        assertThat(needed).contains("api/pom.xml", "worker/src/main/resources/application.properties",
                ".mvn/wrapper/maven-wrapper.properties");
        assertThat(needed).filteredOn(f -> dockerIgnored(patterns, f)).as("build inputs the context would lose").isEmpty();

        assertThat(List.of("api/target/quarkus-app/quarkus-run.jar", "target/x", "common/target/classes/A.class",
                ".data/pg/PG_VERSION", ".git/HEAD", "bench/results/latest.json", "node_modules/a/index.js",
                "web/node_modules/a/index.js", "worker.log", ".data/logs/api.log", "worker/.jqwik-database",
                ".mvn/maven.config"))
                .allMatch(f -> dockerIgnored(patterns, f), "ignored");
    }

    // =====================================================================================================
    // deploy/docker/compose.yaml (its syntax: `docker-compose config` in .ci/run)

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsTheImagesAsTheManifestsDo() {
        // SnakeYAML (under Jackson's YAML module) resolves the file's merge keys (<<: *app) as Compose does
        Map<String, Object> compose = new org.yaml.snakeyaml.Yaml().load(
                Manifests.read(repoRoot().resolve("deploy/docker/compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services.keySet()).containsExactlyInAnyOrder("postgresql", "api", "worker", "dashboard");
        Map<String, String> images = Map.of("api", "api", "worker", "worker", "dashboard", "worker");
        images.forEach((name, app) -> {
            Map<String, Object> service = services.get(name);
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            assertThat(build).as("build of %s", name).containsEntry("context", "../..")
                    .containsEntry("dockerfile", "deploy/docker/" + app + ".Dockerfile");
            Map<String, Object> env = (Map<String, Object>) service.get("environment");
            Set<String> read = new TreeSet<>(Manifests.environmentVariablesRead(app));
            assertThat(env.keySet()).as("variables of %s that the %s app does not read", name, app).isSubsetOf(read);
            assertThat(env).containsKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME",
                    "QUARKUS_DATASOURCE_PASSWORD");
            assertThat(service).as("lock-down of %s", name).containsEntry("read_only", true)
                    .containsEntry("cap_drop", List.of("ALL")).containsKey("mem_limit");
            assertThat(String.valueOf(service.get("tmpfs"))).contains("/tmp");
            assertThat(String.valueOf(service.get("depends_on"))).contains("postgresql").contains("service_healthy");
        });
        Map<String, Object> worker = (Map<String, Object>) services.get("worker").get("environment");
        Map<String, Object> dashboard = (Map<String, Object>) services.get("dashboard").get("environment");
        assertThat(worker).containsEntry("MENU_DASHBOARD_ENABLED", "false").doesNotContainKey("DASHBOARD_PASSWORD");
        assertThat(dashboard).containsEntry("MENU_WORKER_ENABLED", "false").containsEntry("MENU_DASHBOARD_ENABLED", "true");
        assertThat(services.get("worker")).doesNotContainKey("ports");
        assertThat((List<String>) services.get("dashboard").get("ports")).allMatch(p -> p.startsWith("127.0.0.1:"));
        Duration drain = Manifests.quarkusDuration(String.valueOf(worker.get("MENU_WORKER_DRAIN_TIME")));
        Duration grace = Manifests.quarkusDuration(String.valueOf(services.get("worker").get("stop_grace_period")));
        assertThat(grace).as("the worker's stop_grace_period covers its drain").isGreaterThan(drain.plusSeconds(12));
        Map<String, Object> api = (Map<String, Object>) services.get("api").get("environment");
        assertThat((List<String>) services.get("api").get("volumes")).anySatisfy(v -> assertThat(v)
                .endsWith(":/etc/meal-planner/jwt:ro"));
        assertThat(String.valueOf(api.get("JWT_PUBLIC_KEY_LOCATION"))).startsWith("/etc/meal-planner/jwt/");
        assertThat(String.valueOf(api.get("JWT_PRIVATE_KEY_LOCATION"))).startsWith("/etc/meal-planner/jwt/");
    }

    // =====================================================================================================
    // Checks shared by the base and the rendered overlays

    static void checkProbesAndPorts(Bundle bundle) {
        for (String name : List.of(API, WORKER, DASHBOARD)) {
            Deployment deployment = bundle.deployment(name);
            List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
            assertThat(containers).as("containers of %s", name).hasSize(1);
            Container c = containers.get(0);
            String app = appOf(c);
            assertThat(app).isEqualTo(name.equals(API) ? "api" : "worker");
            Properties props = appProperties(app);
            int httpPort = Integer.parseInt(props.getProperty("quarkus.http.port"));

            assertThat(c.getPorts()).as("ports of %s", name)
                    .anySatisfy(p -> {
                        assertThat(p.getName()).isEqualTo("http");
                        assertThat(p.getContainerPort()).isEqualTo(httpPort);
                    });
            assertThat(name.equals(API) ? 8080 : 8081).isEqualTo(httpPort);
            checkProbe(name + " liveness", c, c.getLivenessProbe(), "/q/health/live", httpPort);
            checkProbe(name + " readiness", c, c.getReadinessProbe(), "/q/health/ready", httpPort);
            checkProbe(name + " startup", c, c.getStartupProbe(), "/q/health/started", httpPort);

            if (app.equals("worker")) {
                int dashboardPort = Integer.parseInt(props.getProperty("menu.dashboard.port"));
                assertThat(dashboardPort).isEqualTo(8000);
                boolean dashboard = Boolean.parseBoolean(
                        env(c, "MENU_DASHBOARD_ENABLED").map(EnvVar::getValue).orElse(props.getProperty("menu.dashboard.enabled")));
                assertThat(dashboard).as("dashboard served by %s", name).isEqualTo(name.equals(DASHBOARD));
                Set<Integer> ports = c.getPorts().stream().map(ContainerPort::getContainerPort).collect(Collectors.toSet());
                assertThat(ports).isEqualTo(dashboard ? Set.of(httpPort, dashboardPort) : Set.of(httpPort));
                assertThat(ports).isSubsetOf(expectedImagePorts("worker"));
            } else {
                assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactlyElementsOf(expectedImagePorts("api"));
            }
        }
        Container dashboard = bundle.container(DASHBOARD);
        assertThat(workerDisabled(dashboard)).as("the dashboard Deployment runs no jobs").isTrue();
        assertThat(workerDisabled(bundle.container(WORKER))).isFalse();
    }

    static void checkProbe(String what, Container c, Probe probe, String path, int port) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet()).as(what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what).isEqualTo(path);
        assertThat(resolvePort(c, probe.getHttpGet().getPort())).as(what + " port").isEqualTo(port);
    }

    static void checkEnvironment(Bundle bundle) {
        for (Deployment d : bundle.all(Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            for (Container c : pod.getContainers()) {
                String app = appOf(c);
                String where = d.getMetadata().getName() + "/" + c.getName();
                Set<String> allowed = new TreeSet<>(Manifests.environmentVariablesRead(app));
                allowed.add("JAVA_OPTS");
                assertThat(c.getEnvFrom()).as("envFrom of %s (name each variable)", where).isNullOrEmpty();
                List<String> names = c.getEnv().stream().map(EnvVar::getName).toList();
                assertThat(names).as("variables of %s", where).doesNotHaveDuplicates();
                assertThat(names).as("variables of %s that the %s app does not read", where, app)
                        .allMatch(allowed::contains, "read by the app");
                for (EnvVar e : c.getEnv()) {
                    checkEnvSource(bundle, where, e);
                }
                env(c, "JAVA_OPTS").ifPresent(e -> {
                    List<String> options = List.of(e.getValue().strip().split("\\s+"));
                    assertThat(options).as("JAVA_OPTS of %s keeps the image's options", where)
                            .containsAll(List.of(imageJavaOpts(app).split("\\s+")));
                    Set<String> added = new TreeSet<>(Manifests.systemProperties(e.getValue()).keySet());
                    added.removeAll(Manifests.systemProperties(imageJavaOpts(app)).keySet());
                    added.forEach(key -> assertThat(configKeyRead(app, key))
                            .as("-D%s in JAVA_OPTS of %s is a config key of the %s app", key, where, app).isTrue());
                });
            }
            // the JWT key pair: the api's locations point into the read-only mount of the Secret
            for (Container c : pod.getContainers()) {
                for (String variable : List.of("JWT_PUBLIC_KEY_LOCATION", "JWT_PRIVATE_KEY_LOCATION")) {
                    env(c, variable).ifPresent(e -> checkFileFromSecret(bundle, pod, c, e.getValue(), "meal-planner-jwt"));
                }
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getSecret() != null) {
                    Secret template = template(v.getSecret().getSecretName());
                    if (v.getSecret().getItems() != null) {
                        v.getSecret().getItems().forEach(item -> assertThat(template.getStringData()).containsKey(item.getKey()));
                    }
                }
                if (v.getConfigMap() != null) {
                    bundle.one(ConfigMap.class, v.getConfigMap().getName());
                }
            }
        }
        Container api = bundle.container(API);
        assertThat(env(api, "JWT_PUBLIC_KEY_LOCATION")).isPresent();
        assertThat(env(api, "JWT_PRIVATE_KEY_LOCATION")).isPresent();
        assertThat(env(bundle.container(WORKER), "OPENAI_API_KEY")).isPresent();
        assertThat(env(bundle.container(DASHBOARD), "DASHBOARD_PASSWORD")).isPresent();
        assertThat(env(bundle.container(WORKER), "MENU_DASHBOARD_ENABLED")).map(EnvVar::getValue).contains("false");
        assertThat(env(bundle.container(DASHBOARD), "MENU_DASHBOARD_ENABLED")).map(EnvVar::getValue).contains("true");
        assertThat(bundle.one(ConfigMap.class, CONFIG).getData()).containsKeys("CORS_ORIGINS", "OPENAI_BASE_URL",
                "OPENAI_MODEL", "MENU_WORKER_THREADS", "MENU_WORKER_DRAIN_TIME", "QUARKUS_DATASOURCE_JDBC_URL");
    }

    static void checkEnvSource(Bundle bundle, String where, EnvVar e) {
        if (e.getValueFrom() == null) {
            assertThat(e.getValue()).as("value of %s in %s", e.getName(), where).isNotNull();
            return;
        }
        var from = e.getValueFrom();
        if (from.getConfigMapKeyRef() != null) {
            ConfigMap map = bundle.one(ConfigMap.class, from.getConfigMapKeyRef().getName());
            assertThat(map.getData()).as("%s of %s", e.getName(), where).containsKey(from.getConfigMapKeyRef().getKey());
        } else if (from.getSecretKeyRef() != null) {
            Secret secret = template(from.getSecretKeyRef().getName());
            assertThat(secret.getStringData()).as("%s of %s", e.getName(), where).containsKey(from.getSecretKeyRef().getKey());
        } else {
            fail("unexpected valueFrom of %s in %s: %s", e.getName(), where, from);
        }
    }

    static void checkFileFromSecret(Bundle bundle, PodSpec pod, Container c, String file, String secretName) {
        Volume volume = pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null && secretName.equals(v.getSecret().getSecretName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume of Secret " + secretName));
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals(volume.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("volume " + volume.getName() + " not mounted"));
        assertThat(mount.getReadOnly()).as("read-only mount of %s", secretName).isTrue();
        assertThat(mount.getSubPath()).isNull();
        Path mountPath = Path.of(mount.getMountPath());
        assertThat(Path.of(file).getParent()).as("directory of %s", file).isEqualTo(mountPath);
        String fileName = Path.of(file).getFileName().toString();
        List<String> files = volume.getSecret().getItems() == null
                ? List.copyOf(template(secretName).getStringData().keySet())
                : volume.getSecret().getItems().stream().map(i -> i.getPath()).toList();
        assertThat(files).as("files of the %s volume", secretName).contains(fileName);
        assertThat(mountPath.toString()).isEqualTo("/etc/meal-planner/jwt");
    }

    static void checkGracePeriods(Bundle bundle) {
        Container worker = bundle.container(WORKER);
        Properties props = appProperties("worker");
        String drainText = env(worker, "MENU_WORKER_DRAIN_TIME").map(e -> valueOf(bundle, e))
                .orElse(props.getProperty("menu.worker.drain-time"));
        Duration drain = Manifests.quarkusDuration(drainText);
        assertThat(drain).isEqualTo(Duration.ofSeconds(25));
        long workerGrace = bundle.deployment(WORKER).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(workerGrace).as("worker terminationGracePeriodSeconds vs drain %s + 10 s", drain)
                .isGreaterThan(drain.toSeconds() + 10);

        PodSpec api = bundle.deployment(API).getSpec().getTemplate().getSpec();
        long preStop = Optional.ofNullable(bundle.container(API).getLifecycle())
                .map(l -> l.getPreStop()).map(h -> h.getExec()).map(x -> x.getCommand())
                .filter(cmd -> cmd.size() == 2 && cmd.get(0).equals("sleep")).map(cmd -> Long.parseLong(cmd.get(1)))
                .orElse(0L);
        assertThat(api.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(preStop + 30);
    }

    /**
     * Measured with NativeMemoryTracking (api and worker after start-up and five menus): about 100 MiB besides
     * the heap (metaspace 41–45, code 15, symbols 9, class space 7, threads 3–4, arenas up to 6), which grows
     * with JIT-compiled code and I/O buffers under load. Below this the kernel kills the pod at a full heap
     * (OOMKilled) before the JVM can report anything.
     */
    static final long NON_HEAP_BYTES = 150L * 1024 * 1024;

    static void checkMemoryHeadroom(Bundle bundle) {
        for (Deployment d : bundle.all(Deployment.class)) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            String javaOpts = env(c, "JAVA_OPTS").map(EnvVar::getValue).orElse(imageJavaOpts(appOf(c)));
            Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(javaOpts);
            assertThat(m.find()).as("MaxRAMPercentage in the JAVA_OPTS of %s", d.getMetadata().getName()).isTrue();
            long limit = memoryLimit(bundle, d.getMetadata().getName());
            long heap = (long) (limit * Double.parseDouble(m.group(1)) / 100);
            assertThat(limit - heap).as("memory besides the heap of %s in %s (limit %d MiB, heap %d MiB)",
                    d.getMetadata().getName(), bundle.name(), limit >> 20, heap >> 20).isGreaterThanOrEqualTo(NON_HEAP_BYTES);
        }
    }

    static void checkSecurity(Bundle bundle) {
        for (Deployment d : bundle.all(Deployment.class)) {
            String name = d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            PodSecurityContext podContext = Objects.requireNonNull(pod.getSecurityContext(), name + " securityContext");
            assertThat(pod.getAutomountServiceAccountToken()).as("%s automountServiceAccountToken", name).isFalse();
            for (Container c : pod.getContainers()) {
                String where = name + "/" + c.getName();
                SecurityContext sc = Objects.requireNonNull(c.getSecurityContext(), where + " securityContext");
                assertThat(firstNonNull(sc.getRunAsNonRoot(), podContext.getRunAsNonRoot())).as("%s runAsNonRoot", where).isTrue();
                assertThat(firstNonNull(sc.getRunAsUser(), podContext.getRunAsUser())).as("%s runAsUser", where).isEqualTo(APP_UID);
                var seccomp = firstNonNull(sc.getSeccompProfile(), podContext.getSeccompProfile());
                assertThat(seccomp).as("%s seccompProfile", where).isNotNull();
                assertThat(seccomp.getType()).isEqualTo("RuntimeDefault");
                assertThat(sc.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", where).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", where).isFalse();
                assertThat(sc.getPrivileged()).as("%s privileged", where).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities()).as("%s capabilities", where).isNotNull();
                assertThat(sc.getCapabilities().getDrop()).contains("ALL");
                assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
                VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                        .orElseThrow(() -> new AssertionError(where + " has no writable /tmp"));
                assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(tmp.getName()))
                        .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
                assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).containsKeys("memory");
                assertThat(c.getImage()).startsWith("ghcr.io/example/meal-planner-");
            }
        }
    }

    static void checkWiring(Bundle bundle) {
        for (Deployment d : bundle.all(Deployment.class)) {
            Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector)
                    .containsEntry(PART_OF, PART_OF_VALUE);
            assertThat(bundle.all(Deployment.class)).filteredOn(other -> selects(selector, other)).hasSize(1);
        }
        for (Service s : bundle.all(Service.class)) {
            String name = s.getMetadata().getName();
            assertThat(s.getSpec().getType()).as("%s type", name).isIn(null, "ClusterIP");
            List<Deployment> selected = bundle.all(Deployment.class).stream()
                    .filter(d -> selects(s.getSpec().getSelector(), d)).toList();
            assertThat(selected).as("Deployments selected by Service %s", name).hasSize(1);
            Container c = selected.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
            for (ServicePort port : s.getSpec().getPorts()) {
                assertThat(resolvePort(c, port.getTargetPort())).as("targetPort %s of Service %s", port.getTargetPort(), name)
                        .isNotNull();
            }
        }
        Service api = bundle.one(Service.class, API);
        assertThat(api.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(80);
            assertThat(p.getTargetPort()).isEqualTo(new IntOrString("http"));
        });
        assertThat(bundle.one(Service.class, WORKER).getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(8081);
        assertThat(bundle.one(Service.class, DASHBOARD).getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(8000);

        List<Ingress> ingresses = bundle.all(Ingress.class);
        assertThat(ingresses).hasSize(1);
        for (Ingress ingress : ingresses) {
            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
            Set<String> tlsHosts = ingress.getSpec().getTls().stream().flatMap(t -> t.getHosts().stream()).collect(Collectors.toSet());
            assertThat(ingress.getSpec().getTls()).allSatisfy(t -> assertThat(t.getSecretName()).isNotBlank());
            for (IngressRule rule : ingress.getSpec().getRules()) {
                assertThat(tlsHosts).as("TLS for %s", rule.getHost()).contains(rule.getHost());
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    var backend = path.getBackend().getService();
                    assertThat(backend.getName()).as("Ingress backend").isEqualTo(API);
                    Service service = bundle.one(Service.class, backend.getName());
                    assertThat(service.getSpec().getPorts()).as("port %s of Service %s", backend.getPort(), backend.getName())
                            .anyMatch(p -> Objects.equals(p.getName(), backend.getPort().getName())
                                    || Objects.equals(p.getPort(), backend.getPort().getNumber()));
                }
            }
        }

        for (HorizontalPodAutoscaler hpa : bundle.all(HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(target.getKind()).isEqualTo("Deployment");
            assertThat(target.getName()).as("HPA target (KEDA scales the worker)").isEqualTo(API);
            bundle.deployment(target.getName());
            assertThat(hpa.getSpec().getMinReplicas()).isPositive().isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
            assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
                assertThat(m.getResource().getName()).isEqualTo("cpu");
                assertThat(m.getResource().getTarget().getType()).isEqualTo("Utilization");
                assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
        }
        for (PodDisruptionBudget pdb : bundle.all(PodDisruptionBudget.class)) {
            assertThat(bundle.all(Deployment.class))
                    .filteredOn(d -> selects(pdb.getSpec().getSelector().getMatchLabels(), d)).hasSize(1);
        }
    }

    static void checkNetworkPolicies(Bundle bundle) {
        Map<String, NetworkPolicy> byTarget = new LinkedHashMap<>();
        for (NetworkPolicy policy : bundle.all(NetworkPolicy.class)) {
            Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
            assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
            byTarget.put(selector.get("app.kubernetes.io/name"), policy);
            if (selector.equals(Map.of("app.kubernetes.io/name", "postgresql"))) {
                continue;
            }
            List<Deployment> selected = bundle.all(Deployment.class).stream().filter(d -> selects(selector, d)).toList();
            assertThat(selected).as("pods of NetworkPolicy %s", policy.getMetadata().getName()).hasSize(1);
            Container c = selected.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                assertThat(rule.getPorts()).isNotEmpty();
                for (NetworkPolicyPort port : rule.getPorts()) {
                    assertThat(resolvePort(c, port.getPort())).as("port %s of NetworkPolicy %s", port.getPort(),
                            policy.getMetadata().getName()).isNotNull();
                }
            }
        }
        assertThat(byTarget).containsOnlyKeys("postgresql", API, WORKER, DASHBOARD);

        NetworkPolicy postgres = byTarget.get("postgresql");
        assertThat(allowed(postgres, 5432)).contains("pods " + Map.of(PART_OF, PART_OF_VALUE), "namespace keda");
        assertThat(allowed(postgres, 5432)).allMatch(a -> a.startsWith("pods ") || a.equals("namespace keda"));
        assertThat(ingressPorts(byTarget.get(API))).containsOnly(8080);
        assertThat(allowed(byTarget.get(API), 8080)).containsExactlyInAnyOrder("namespace ingress-nginx", "namespace monitoring");
        assertThat(ingressPorts(byTarget.get(WORKER))).containsOnly(8081);
        assertThat(allowed(byTarget.get(WORKER), 8081)).containsExactly("namespace monitoring");
        assertThat(ingressPorts(byTarget.get(DASHBOARD))).containsOnly(8081);
        assertThat(allowed(byTarget.get(DASHBOARD), 8081)).containsExactly("namespace monitoring");
    }

    static void checkScaledObject(Bundle bundle) {
        GenericKubernetesResource so = bundle.scaledObject(WORKER);
        assertThat(so.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
        String target = so.get("spec", "scaleTargetRef", "name");
        assertThat(target).isEqualTo(WORKER);
        bundle.deployment(target);
        Object kind = so.get("spec", "scaleTargetRef", "kind");
        assertThat(kind).isIn(null, "Deployment");
        int min = number(so.get("spec", "minReplicaCount"));
        int max = number(so.get("spec", "maxReplicaCount"));
        assertThat(min).as("minReplicaCount: a JobRunr master must run").isGreaterThanOrEqualTo(1);
        assertThat(max).isGreaterThanOrEqualTo(min);

        List<Map<String, Object>> triggers = so.get("spec", "triggers");
        assertThat(triggers).hasSize(1);
        Map<String, Object> trigger = triggers.get(0);
        assertThat(trigger).containsEntry("type", "postgresql");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) trigger.get("metadata");
        assertThat(metadata.get("query")).asString().isNotBlank().containsIgnoringCase("from jobrunr_jobs");
        assertThat(metadata.get("targetQueryValue")).as("targetQueryValue (a string)").isInstanceOf(String.class);
        assertThat(metadata.get("activationTargetQueryValue")).isEqualTo("0");
        Container worker = bundle.container(WORKER);
        String threads = env(worker, "MENU_WORKER_THREADS").map(e -> valueOf(bundle, e))
                .orElse(appProperties("worker").getProperty("menu.worker.threads"));
        assertThat(metadata.get("targetQueryValue")).as("targetQueryValue = MENU_WORKER_THREADS").isEqualTo(threads);
        assertThat(metadata).doesNotContainKeys("connectionFromEnv", "password", "passwordFromEnv", "connection");

        String authName = (String) ((Map<?, ?>) trigger.get("authenticationRef")).get("name");
        GenericKubernetesResource auth = bundle.resources().stream()
                .filter(r -> r instanceof GenericKubernetesResource && r.getKind().equals("TriggerAuthentication")
                        && r.getMetadata().getName().equals(authName))
                .map(GenericKubernetesResource.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no TriggerAuthentication " + authName));
        assertThat(auth.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
        List<Map<String, Object>> refs = auth.get("spec", "secretTargetRef");
        assertThat(refs).singleElement().satisfies(ref -> {
            assertThat(ref).containsEntry("parameter", "connection");
            assertThat(template(String.valueOf(ref.get("name"))).getStringData()).containsKey(String.valueOf(ref.get("key")));
        });
    }

    // =====================================================================================================
    // Helpers

    record Bundle(String name, List<HasMetadata> resources) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String resourceName) {
            List<T> found = all(type).stream().filter(r -> r.getMetadata().getName().equals(resourceName)).toList();
            assertThat(found).as("%s %s in %s", type.getSimpleName(), resourceName, name).hasSize(1);
            return found.get(0);
        }

        Deployment deployment(String deploymentName) {
            return one(Deployment.class, deploymentName);
        }

        Container container(String deploymentName) {
            return deployment(deploymentName).getSpec().getTemplate().getSpec().getContainers().get(0);
        }

        GenericKubernetesResource scaledObject(String scaledObjectName) {
            return Manifests.scaledObject(resources, scaledObjectName);
        }
    }

    static Bundle base() {
        return new Bundle("base", Manifests.resourcesOf(k8s().resolve("base")));
    }

    static List<Secret> secretTemplates() {
        List<Secret> secrets = new ArrayList<>();
        for (Path file : Manifests.yamlFiles(k8s().resolve("base/secrets"))) {
            for (HasMetadata r : Manifests.load(file)) {
                secrets.add((Secret) r);
            }
        }
        return secrets;
    }

    static Secret template(String name) {
        return secretTemplates().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Secret template " + name + " in deploy/k8s/base/secrets"));
    }

    static String id(HasMetadata r) {
        return r.getKind() + "/" + r.getMetadata().getName();
    }

    static List<Object> list(Object value) {
        return value == null ? List.of() : new ArrayList<>((List<?>) value);
    }

    static int number(Object value) {
        return value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
    }

    @SafeVarargs
    static <T> T firstNonNull(T... values) {
        return Arrays.stream(values).filter(Objects::nonNull).findFirst().orElse(null);
    }

    static String appOf(Container c) {
        if (c.getImage().contains("/meal-planner-api:")) {
            return "api";
        }
        if (c.getImage().contains("/meal-planner-worker:")) {
            return "worker";
        }
        throw new AssertionError("image of no app: " + c.getImage());
    }

    static Optional<EnvVar> env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    /** The value of a variable set directly or from the bundle's ConfigMap. */
    static String valueOf(Bundle bundle, EnvVar e) {
        if (e.getValueFrom() == null) {
            return e.getValue();
        }
        var ref = e.getValueFrom().getConfigMapKeyRef();
        assertThat(ref).as("%s comes from a ConfigMap", e.getName()).isNotNull();
        return bundle.one(ConfigMap.class, ref.getName()).getData().get(ref.getKey());
    }

    static boolean workerDisabled(Container c) {
        boolean byEnv = env(c, "MENU_WORKER_ENABLED").map(e -> "false".equalsIgnoreCase(e.getValue())).orElse(false);
        boolean byOption = env(c, "JAVA_OPTS")
                .map(e -> "false".equalsIgnoreCase(Manifests.systemProperties(e.getValue()).get("menu.worker.enabled")))
                .orElse(false);
        return byEnv || byOption;
    }

    /**
     * Whether the app reads the config key: a key of its application.properties, or a property of one of its
     * {@code @ConfigMapping} interfaces (found by reflection on the worker's classes, on the test classpath).
     */
    static boolean configKeyRead(String app, String key) {
        if (appProperties(app).containsKey(key)) {
            return true;
        }
        if (!app.equals("worker")) {
            return false;
        }
        for (String mapping : List.of("app.mealplanner.worker.jobrunr.WorkerConfig", "app.mealplanner.worker.llm.ModelConfig")) {
            try {
                Class<?> type = Class.forName(mapping);
                String prefix = type.getAnnotation(io.smallrye.config.ConfigMapping.class).prefix();
                if (key.startsWith(prefix + ".") && hasProperty(type, key.substring(prefix.length() + 1))) {
                    return true;
                }
            } catch (ClassNotFoundException e) {
                // a renamed mapping: fall through, the key then counts as unknown
            }
        }
        return false;
    }

    private static boolean hasProperty(Class<?> type, String path) {
        Class<?> current = type;
        for (String segment : path.split("\\.")) {
            String method = Pattern.compile("-([a-z0-9])").matcher(segment).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT));
            try {
                Method m = current.getMethod(method);
                current = m.getReturnType();
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
        return !current.isInterface() || current.getName().startsWith("java.");
    }

    static boolean selects(Map<String, String> selector, Deployment d) {
        return selector != null && !selector.isEmpty()
                && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    /** The container port a probe, Service or NetworkPolicy port means (by name or number), or null. */
    static Integer resolvePort(Container c, IntOrString port) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return c.getPorts().stream().map(ContainerPort::getContainerPort).filter(port.getIntVal()::equals).findFirst()
                    .orElse(null);
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElse(null);
    }

    static Set<Integer> ingressPorts(NetworkPolicy policy) {
        return policy.getSpec().getIngress().stream().flatMap(r -> r.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).collect(Collectors.toSet());
    }

    /** Who may reach the port: "pods {labels}" (this namespace) or "namespace NAME". */
    static List<String> allowed(NetworkPolicy policy, int port) {
        List<String> peers = new ArrayList<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            if (rule.getPorts().stream().noneMatch(p -> Integer.valueOf(port).equals(p.getPort().getIntVal()))) {
                continue;
            }
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertThat(peer.getIpBlock()).as("ipBlock in %s", policy.getMetadata().getName()).isNull();
                if (peer.getNamespaceSelector() != null) {
                    assertThat(peer.getPodSelector()).isNull();
                    Map<String, String> labels = peer.getNamespaceSelector().getMatchLabels();
                    assertThat(labels).containsOnlyKeys("kubernetes.io/metadata.name");
                    peers.add("namespace " + labels.get("kubernetes.io/metadata.name"));
                } else {
                    peers.add("pods " + peer.getPodSelector().getMatchLabels());
                }
            }
        }
        return peers;
    }

    static long memoryLimit(Bundle bundle, String deployment) {
        return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                bundle.container(deployment).getResources().getLimits().get("memory")).longValue();
    }

    // ---- Dockerfiles

    record Instruction(String keyword, String args) {
        boolean is(String k) {
            return keyword.equals(k);
        }
    }

    static List<Instruction> dockerfile(String app) {
        List<String> lines = Manifests.read(repoRoot().resolve("deploy/docker/" + app + ".Dockerfile")).lines().toList();
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && stripped.startsWith("#")) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1).strip()));
        }
        return instructions;
    }

    static Set<Integer> exposedPorts(List<Instruction> instructions) {
        return instructions.stream().filter(i -> i.is("EXPOSE"))
                .flatMap(i -> Arrays.stream(i.args().split("\\s+")))
                .map(p -> Integer.parseInt(p.replace("/tcp", "")))
                .collect(Collectors.toSet());
    }

    static Set<Integer> expectedImagePorts(String app) {
        Properties props = appProperties(app);
        Set<Integer> ports = new TreeSet<>();
        ports.add(Integer.parseInt(props.getProperty("quarkus.http.port")));
        if (app.equals("worker")) {
            ports.add(Integer.parseInt(props.getProperty("menu.dashboard.port")));
        }
        return ports;
    }

    /** The JAVA_OPTS the image sets (ENV JAVA_OPTS="..."). */
    static String imageJavaOpts(String app) {
        return dockerfile(app).stream().filter(i -> i.is("ENV") && i.args().startsWith("JAVA_OPTS="))
                .map(i -> i.args().substring("JAVA_OPTS=".length()).replaceAll("^\"|\"$", ""))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no ENV JAVA_OPTS in " + app + ".Dockerfile"));
    }

    /** Docker's .dockerignore rules: the last matching pattern wins; a match on a folder covers its files. */
    static boolean dockerIgnored(List<String> patterns, String file) {
        List<String> candidates = new ArrayList<>();
        String[] parts = file.split("/");
        for (int i = 1; i <= parts.length; i++) {
            candidates.add(String.join("/", Arrays.copyOf(parts, i)));
        }
        boolean ignored = false;
        for (String raw : patterns) {
            boolean exception = raw.startsWith("!");
            String pattern = (exception ? raw.substring(1) : raw).replaceAll("^/+", "").replaceAll("/+$", "");
            Pattern regex = globToRegex(pattern);
            if (candidates.stream().anyMatch(c -> regex.matcher(c).matches())) {
                ignored = !exception;
            }
        }
        return ignored;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (ch == '*') {
                regex.append("[^/]*");
            } else if (ch == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    // ---- kubectl

    static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String kustomize(Path dir) {
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().start(() -> {
                try (InputStream in = p.getErrorStream()) {
                    in.transferTo(err);
                } catch (IOException ignored) {
                    // the exit code tells
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            errReader.join();
            assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, err.toString(StandardCharsets.UTF_8)).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
