package app.mealplanner.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Reading the deployment assets for the tests: the repository's files, the Kubernetes manifests through
 * fabric8's model (strictly: see {@link #unknownFields}), the kustomizations as plain YAML and the apps'
 * application.properties.
 */
final class Manifests {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");

    private Manifests() {
    }

    // ---------------------------------------------------------------- files

    static Path repoRoot() {
        String configured = System.getProperty("repo.root");
        if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured, "deploy", "k8s"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy/k8s")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root not found (set -Drepo.root)");
    }

    static Path k8s() {
        return repoRoot().resolve("deploy/k8s");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isKustomization(Path file) {
        String name = file.getFileName().toString();
        return name.equals("kustomization.yaml") || name.equals("kustomization.yml") || name.equals("Kustomization");
    }

    // ---------------------------------------------------------------- Kubernetes resources

    /** The documents of a multi-document YAML text, without the empty ones (comments only). */
    static List<String> documents(String yaml) {
        List<String> documents = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            boolean empty = document.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
            if (!empty) {
                documents.add(document);
            }
        }
        return documents;
    }

    /** Every document through fabric8's registry of kinds: a class of its model, or GenericKubernetesResource. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : documents(yaml)) {
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata resource)) {
                throw new IllegalArgumentException("not a Kubernetes resource: " + parsed);
            }
            resources.add(resource);
        }
        return resources;
    }

    static List<HasMetadata> load(Path file) {
        return parse(read(file));
    }

    /** The resources a kustomization lists (files only: the base lists no directories). */
    static List<HasMetadata> resourcesOf(Path kustomizationDir) {
        List<HasMetadata> resources = new ArrayList<>();
        for (String entry : stringList(kustomization(kustomizationDir).get("resources"))) {
            resources.addAll(load(kustomizationDir.resolve(entry)));
        }
        return resources;
    }

    static Map<String, Object> kustomization(Path dir) {
        return yamlMap(dir.resolve("kustomization.yaml"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(Path file) {
        try {
            Map<String, Object> map = YAML.readValue(file.toFile(), Map.class);
            return map == null ? Map.of() : map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> stringList(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        for (Object item : (Collection<?>) value) {
            strings.add(String.valueOf(item));
        }
        return strings;
    }

    static GenericKubernetesResource scaledObject(List<HasMetadata> resources, String name) {
        return resources.stream()
                .filter(r -> r instanceof GenericKubernetesResource && "ScaledObject".equals(r.getKind())
                        && name.equals(r.getMetadata().getName()))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ScaledObject " + name));
    }

    /** The KEDA query that scales the workers, as the base manifest has it. */
    static String scaledObjectQuery() {
        GenericKubernetesResource scaledObject =
                scaledObject(load(k8s().resolve("base/worker-scaledobject.yaml")), "meal-planner-worker");
        List<Map<String, Object>> triggers = scaledObject.get("spec", "triggers");
        return (String) ((Map<?, ?>) triggers.get(0).get("metadata")).get("query");
    }

    /**
     * Fields of fabric8 model objects that Jackson could not bind: unknown properties land in the
     * {@code additionalProperties} map of the nearest model class instead of failing the parse. Walks the
     * whole object graph; a GenericKubernetesResource (a kind fabric8 has no class for) is checked for its
     * metadata only.
     */
    static List<String> unknownFields(Object model) {
        List<String> problems = new ArrayList<>();
        walk(model, model instanceof HasMetadata r ? r.getKind() : model.getClass().getSimpleName(), problems);
        return problems;
    }

    private static void walk(Object node, String path, List<String> problems) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, problems));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        if (node instanceof GenericKubernetesResource generic) {
            walk(generic.getMetadata(), path + ".metadata", problems);
            return;
        }
        for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object value;
                try {
                    value = field.get(node);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(path + ": unknown " + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + field.getName(), problems);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the apps' configuration

    static Properties appProperties(String module) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(
                repoRoot().resolve(module).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /**
     * Environment variables the app reads, as the brief of the deployment defines them: those its
     * application.properties references as {@code ${NAME...}}, and its keys in Quarkus's environment form
     * (upper case, every other character than a letter or digit as '_', so {@code %test.} becomes {@code _TEST_}).
     */
    static Set<String> environmentVariablesRead(String module) {
        Properties properties = appProperties(module);
        Set<String> names = new LinkedHashSet<>();
        Pattern reference = Pattern.compile("\\$\\{([^:}]+)");
        for (String key : properties.stringPropertyNames()) {
            names.add(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
            Matcher m = reference.matcher(properties.getProperty(key));
            while (m.find()) {
                names.add(m.group(1).strip());
            }
        }
        return names;
    }

    /** A Quarkus duration: ISO-8601 ({@code PT25S}), a number of seconds, or a number with ms, s, m, h or d. */
    static Duration quarkusDuration(String text) {
        String value = text.strip();
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value);
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?").matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** Splits {@code -Dkey=value} options out of a JAVA_OPTS value. */
    static Map<String, String> systemProperties(String javaOpts) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String option : javaOpts.strip().split("\\s+")) {
            if (option.startsWith("-D")) {
                int eq = option.indexOf('=');
                properties.put(eq < 0 ? option.substring(2) : option.substring(2, eq), eq < 0 ? "" : option.substring(eq + 1));
            }
        }
        return properties;
    }
}
