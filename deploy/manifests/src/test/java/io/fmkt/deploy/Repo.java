package io.fmkt.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository as the tests see it: deploy/ files, and the facts the manifests must agree with,
 * read from the sources (this module depends on no other fmkt module, so that
 * {@code -pl deploy/manifests -am} builds nothing else): metric names from Metrics.java, topic
 * specs from Topics.java, HTTP ports from the services' application.properties.
 */
final class Repo {
    static final Path ROOT = Path.of(System.getProperty("fmkt.root", "../..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final List<String> SERVICES = List.of("client-service", "fusion-service", "eval-service");

    /** A topic as Topics.SPECS declares it. */
    record TopicSpec(String name, int partitions, Map<String, String> configs) {
    }

    private Repo() {
    }

    static Path deploy(String relative) {
        return DEPLOY.resolve(relative);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of a file, as plain maps/lists (anchors and merge keys resolved). */
    static List<Object> yamlDocuments(Path p) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Object> docs = new ArrayList<>();
        for (Object d : new Yaml(options).loadAll(read(p))) {
            if (d != null) {
                docs.add(d);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(Path p) {
        List<Object> docs = yamlDocuments(p);
        if (docs.size() != 1 || !(docs.get(0) instanceof Map)) {
            throw new IllegalStateException(p + ": expected one YAML mapping, found " + docs.size() + " documents");
        }
        return (Map<String, Object>) docs.get(0);
    }

    /** {@code quarkus.http.port} of a service's application.properties. */
    static int httpPort(String service) {
        Matcher m = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)\\s*$").matcher(
                read(ROOT.resolve("services").resolve(service).resolve("src/main/resources/application.properties")));
        if (!m.find()) {
            throw new IllegalStateException("no quarkus.http.port for " + service);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The String constants of Metrics.java: constant name -> value. */
    static Map<String, String> metricsConstants() {
        String src = read(ROOT.resolve("services/common/src/main/java/io/fmkt/service/common/Metrics.java"));
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("public static final String (\\w+) = \"([^\"]+)\";").matcher(src);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** Metric names (dotted, Micrometer style): the constants that are not tag keys. */
    static List<String> metricNames() {
        return metricsConstants().entrySet().stream().filter(e -> !e.getKey().startsWith("TAG_"))
                .map(Map.Entry::getValue).toList();
    }

    /** Topics.SPECS, parsed from Topics.java (constants resolved, Long.toString(...) evaluated). */
    static Map<String, TopicSpec> topicSpecs() {
        String src = read(ROOT.resolve("fmkt-core/src/main/java/io/fmkt/core/wire/Topics.java"));
        Map<String, String> constants = new TreeMap<>();
        Matcher c = Pattern.compile("public static final String (\\w+) = \"([^\"]+)\";").matcher(src);
        while (c.find()) {
            constants.put(c.group(1), c.group(2));
        }
        Map<String, TopicSpec> specs = new LinkedHashMap<>();
        Matcher m = Pattern.compile("new TopicSpec\\((\\w+), (\\d+), Map\\.of\\(([^\n]*)\\)\\)[,)]").matcher(src);
        while (m.find()) {
            String name = constants.get(m.group(1));
            Map<String, String> configs = new TreeMap<>();
            String args = m.group(3).trim();
            if (!args.isEmpty()) {
                Matcher kv = Pattern.compile("\"([^\"]+)\",\\s*(\"([^\"]*)\"|Long\\.toString\\(([^)]*)\\))").matcher(args);
                while (kv.find()) {
                    configs.put(kv.group(1), kv.group(3) != null ? kv.group(3) : Long.toString(evalLong(kv.group(4))));
                }
            }
            specs.put(name, new TopicSpec(name, Integer.parseInt(m.group(2)), configs));
        }
        return specs;
    }

    /** Products of integer literals, e.g. {@code 30L * 24 * 3600 * 1000}. */
    static long evalLong(String expr) {
        long v = 1;
        for (String f : expr.split("\\*")) {
            v *= Long.parseLong(f.trim().replace("L", ""));
        }
        return v;
    }

    /**
     * Topic creations in a shell script: every {@code --topic NAME --partitions N [--config K=V]...}
     * occurrence (one per line), as specs.
     */
    static Map<String, TopicSpec> topicsCreatedBy(String script) {
        Map<String, TopicSpec> out = new LinkedHashMap<>();
        for (String line : script.split("\n")) {
            Matcher m = Pattern.compile("--topic (\\S+) --partitions (\\d+)((?: --config \\S+=\\S+)*)").matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> configs = new TreeMap<>();
            Matcher kv = Pattern.compile("--config (\\S+?)=(\\S+)").matcher(m.group(3));
            while (kv.find()) {
                configs.put(kv.group(1), kv.group(2));
            }
            if (out.put(m.group(1), new TopicSpec(m.group(1), Integer.parseInt(m.group(2)), configs)) != null) {
                throw new IllegalStateException("topic created twice: " + m.group(1));
            }
        }
        return out;
    }
}
