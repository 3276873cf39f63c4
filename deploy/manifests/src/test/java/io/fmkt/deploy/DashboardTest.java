package io.fmkt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard, its provisioning and the Prometheus configuration, checked statically
 * (deploy/prometheus/check-dashboard.sh runs every query against a real run).
 */
class DashboardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Micrometer's standard JVM/process meters and the Kafka client metrics (Micrometer's Kafka binder). */
    static final List<String> STANDARD_PREFIXES = List.of("jvm_", "process_", "kafka_consumer_", "kafka_producer_",
            "http_server_", "system_");
    static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase",
            "histogram_quantile", "by", "without", "on", "ignoring", "and", "or", "unless", "label_values", "topk",
            "bottomk", "abs", "clamp_min", "clamp_max", "delta", "deriv", "time", "timestamp", "vector", "scalar",
            "count_over_time", "max_over_time", "min_over_time", "avg_over_time", "sum_over_time", "group_left",
            "group_right", "offset", "bool");

    record Query(String panel, String expr) {
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(Repo.deploy("grafana/dashboards/fmkt.json").toFile());
    }

    static List<Query> queries(JsonNode dashboard) {
        List<Query> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Query(p.path("title").asText(), t.path("expr").asText()));
            }
            collect(p.path("panels"), out);
        }
    }

    /** Metric names an expression selects: identifiers followed by a selector, not functions or labels. */
    static Set<String> metricNames(String expr) {
        String noStrings = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\[[^]]*]", "[]");
        Set<String> labels = new HashSet<>();
        Matcher grouping = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)").matcher(noStrings);
        while (grouping.find()) {
            for (String l : grouping.group(1).split(",")) {
                labels.add(l.trim());
            }
        }
        Matcher inBraces = Pattern.compile("\\{[^}]*}").matcher(noStrings);
        String outside = inBraces.replaceAll("{}");
        Set<String> out = new TreeSet<>();
        Matcher id = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\(|\\{|\\[|\\)|$|\\s)").matcher(outside);
        while (id.find()) {
            String name = id.group(1);
            if (!PROMQL_WORDS.contains(name) && !labels.contains(name) && !id.group(2).equals("(")) {
                out.add(name);
            }
        }
        return out;
    }

    /** Whether a Prometheus name is what Micrometer's registry exports for one of the Metrics.java names. */
    static boolean isFmktMetric(String prometheusName, List<String> micrometerNames) {
        for (String m : micrometerNames) {
            String base = m.replace('.', '_');
            if (prometheusName.matches(Pattern.quote(base) + "(_seconds|_bytes)?(_total|_bucket|_sum|_count|_max)?")) {
                return true;
            }
        }
        return false;
    }

    static boolean isKnown(String name) {
        return name.equals("up") || STANDARD_PREFIXES.stream().anyMatch(name::startsWith)
                || isFmktMetric(name, Repo.metricNames());
    }

    @Test
    void everyMetricIsAnFmktMetricOfMetricsJavaOrAStandardOne() throws IOException {
        List<String> names = Repo.metricNames();
        assertThat(names).contains("fmkt.fusion.duration", "fmkt.store.bytes", "fmkt.dead.letters");
        Set<String> used = new TreeSet<>();
        for (Query q : queries(dashboard())) {
            Set<String> metrics = metricNames(q.expr());
            assertThat(metrics).as(q.panel() + ": selects a metric: " + q.expr()).isNotEmpty();
            for (String m : metrics) {
                assertThat(isKnown(m)).as(q.panel() + ": unknown metric " + m).isTrue();
            }
            used.addAll(metrics);
        }
        // The panels the dashboard promises, by the metric behind them.
        assertThat(used).contains("fmkt_fusion_samples_total", "fmkt_fusion_pairs_total",
                "fmkt_fusion_duration_seconds_bucket", "fmkt_train_images_total", "fmkt_round_accuracy",
                "fmkt_round_cka", "kafka_consumer_fetch_manager_records_lag_max", "fmkt_dead_letters_total",
                "jvm_memory_used_bytes", "process_cpu_time_ns_total", "fmkt_store_bytes_sum",
                "fmkt_store_latency_seconds_bucket");
    }

    @Test
    void theMetricCheckRejectsMisspelledAndForeignNames() {
        assertThat(metricNames("sum by (layers) (rate(fmkt_fusion_samples_total{job=~\"$job\"}[$__rate_interval]))"))
                .containsExactly("fmkt_fusion_samples_total");
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, op) (rate(a_b_bucket{x=\"y\"}[5m]))) / 1e9"))
                .containsExactly("a_b_bucket");
        assertThat(isKnown("fmkt_fusion_sample_total")).isFalse();
        assertThat(isKnown("fmkt_fusion_samples_total")).isTrue();
        assertThat(isKnown("fmkt_store_latency_seconds_bucket")).isTrue();
        assertThat(isKnown("fmkt_round_accuracy_total_extra")).isFalse();
        assertThat(isKnown("node_cpu_seconds_total")).isFalse();
    }

    @Test
    void everyQueryFollowsTheServiceAndInstanceVariablesAndRunMetricsTheRunVariable() throws IOException {
        for (Query q : queries(dashboard())) {
            assertThat(q.expr()).as(q.panel()).contains("job=~\"$job\"", "instance=~\"$instance\"");
            if (q.expr().matches(".*fmkt_(round_accuracy|round_cka|run_round).*")) {
                assertThat(q.expr()).as(q.panel() + ": run-tagged gauges follow $run").contains("run=~\"$run\"");
            }
        }
    }

    @Test
    void variablesDatasourceAndLayout() throws IOException {
        JsonNode d = dashboard();
        Map<String, JsonNode> vars = new java.util.HashMap<>();
        d.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
        assertThat(vars).containsKeys("DS_PROMETHEUS", "job", "instance", "run");
        assertThat(vars.get("DS_PROMETHEUS").path("type").asText()).isEqualTo("datasource");
        assertThat(vars.get("DS_PROMETHEUS").path("query").asText()).isEqualTo("prometheus");
        for (String v : List.of("job", "instance", "run")) {
            assertThat(vars.get(v).path("includeAll").asBoolean()).as(v).isTrue();
            assertThat(vars.get(v).path("allValue").asText()).as(v).isEqualTo(".*");
        }
        // The provisioned datasource is the variable's default.
        String provisioned = Repo.read(Repo.deploy("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(provisioned).contains("uid: " + vars.get("DS_PROMETHEUS").path("current").path("value").asText());
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id " + p.path("id")).isTrue();
            JsonNode g = p.path("gridPos");
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertThat(box[0] + box[2]).as(p.path("title").asText() + " fits 24 columns").isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlap).as(p.path("title").asText() + " overlaps another panel").isFalse();
            }
            boxes.add(box);
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText())
                        .isEqualTo("${DS_PROMETHEUS}");
                p.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText())
                        .isEqualTo("${DS_PROMETHEUS}"));
            }
        }
        assertThat(queries(d)).hasSizeGreaterThanOrEqualTo(14);
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEachServiceAsItsOwnJobOnQMetrics() {
        Map<String, Object> config = Repo.yamlMap(Repo.deploy("prometheus/prometheus.yml"));
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> job : jobs) {
            names.add((String) job.get("job_name"));
            assertThat(job.get("metrics_path")).isEqualTo("/q/metrics");
            List<Map<String, Object>> sd = (List<Map<String, Object>>) job.get("file_sd_configs");
            for (String file : (List<String>) sd.get(0).get("files")) {
                assertThat(Repo.deploy("prometheus").resolve(file)).exists();
            }
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
        // The "service" variable lists exactly these jobs.
        assertThat(Repo.read(Repo.deploy("grafana/dashboards/fmkt.json")))
                .contains("label_values(up{job=~\\\"(client|fusion|eval)-service\\\"}, job)");
        String provider = Repo.read(Repo.deploy("grafana/provisioning/dashboards/fmkt.yml"));
        assertThat(Repo.read(Repo.deploy("compose/compose.yaml"))).contains("../grafana/dashboards:"
                + provider.replaceAll("(?s).*path: (\\S+).*", "$1"));
    }
}
