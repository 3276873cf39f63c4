package io.fmkt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/compose/compose.yaml (anchors and merge keys resolved by SnakeYAML, as Compose does). */
class ComposeTest {
    static final Path COMPOSE = Repo.deploy("compose/compose.yaml");
    static final List<String> FMKT = List.of("client-service-0", "client-service-1", "fusion-service", "eval-service");

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) Repo.yamlMap(COMPOSE).get("services");
    }

    static String serviceOf(String composeName) {
        return composeName.replaceFirst("-\\d+$", "");
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> out = new java.util.TreeMap<>();
        ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** ${VAR:-default} -> default, as Compose does with VAR unset. */
    static String defaults(String v) {
        return v.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    @Test
    void theStackHasKafkaMinioTheServicesPrometheusAndGrafana() {
        assertThat(services()).containsOnlyKeys("kafka", "kafka-init", "minio", "client-service-0", "client-service-1",
                "fusion-service", "eval-service", "prometheus", "grafana");
        assertThat(services().get("kafka").get("image")).isEqualTo("apache/kafka:4.1.2");
        assertThat(services().get("kafka-init").get("image")).isEqualTo("apache/kafka:4.1.2");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyLongRunningServiceHasAHealthCheck() {
        services().forEach((name, s) -> {
            if (name.equals("kafka-init")) {
                assertThat(s.get("restart")).as("one-shot").isEqualTo("no");
                return;
            }
            Map<String, Object> hc = (Map<String, Object>) s.get("healthcheck");
            assertThat(hc).as(name + " healthcheck").isNotNull().containsKey("test");
            assertThat((List<String>) hc.get("test")).as(name).isNotEmpty();
        });
        for (String name : FMKT) {
            Map<String, Object> hc = (Map<String, Object>) services().get(name).get("healthcheck");
            assertThat((List<String>) hc.get("test")).as(name + ": readiness of its own port")
                    .containsExactly("CMD", "/opt/fmkt/healthcheck.sh",
                            "http://127.0.0.1:" + Repo.httpPort(serviceOf(name)) + "/q/health/ready");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void servicesAreConfiguredThroughTheEnvironmentToReachKafkaAndMinio() {
        Map<String, String> kafkaEnv = env(services().get("kafka"));
        Matcher internal = Pattern.compile("INTERNAL://kafka:(\\d+)").matcher(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS"));
        assertThat(internal.find()).as("an INTERNAL listener advertised as kafka:PORT").isTrue();
        String bootstrap = "kafka:" + internal.group(1);
        assertThat(kafkaEnv).containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(kafkaEnv.get("CLUSTER_ID")).matches("[A-Za-z0-9_-]{22}");
        Map<String, String> minio = env(services().get("minio"));
        for (String name : FMKT) {
            Map<String, Object> s = services().get(name);
            Map<String, String> env = env(s);
            assertThat(env).as(name).containsEntry("KAFKA_BOOTSTRAP_SERVERS", bootstrap)
                    .containsEntry("FMKT_S3_ENDPOINT", "http://minio:9000")
                    .containsKeys("FMKT_S3_ACCESS_KEY", "FMKT_S3_SECRET_KEY");
            assertThat(env.get("FMKT_S3_ACCESS_KEY")).isEqualTo(minio.get("MINIO_ROOT_USER"));
            assertThat(env.get("FMKT_S3_SECRET_KEY")).as("the secret is a variable, not written down")
                    .startsWith("${FMKT_S3_SECRET_KEY").isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
            assertThat(defaults(env.get("FMKT_S3_SECRET_KEY"))).as("MinIO needs 8+ characters").hasSizeGreaterThanOrEqualTo(8);
            assertThat((String) s.get("image")).as(name).isEqualTo("fmkt/" + serviceOf(name) + ":${FMKT_VERSION:-0.1.0}");
            Map<String, Object> deps = (Map<String, Object>) s.get("depends_on");
            assertThat(((Map<String, Object>) deps.get("kafka-init")).get("condition"))
                    .as(name + ": starts after the topics exist").isEqualTo("service_completed_successfully");
            assertThat(((Map<String, Object>) deps.get("minio")).get("condition")).isEqualTo("service_healthy");
            List<String> ports = (List<String>) s.get("ports");
            assertThat(ports).as(name).singleElement().asString().endsWith(":" + Repo.httpPort(serviceOf(name)));
        }
        for (String service : Repo.SERVICES) {
            assertThat(FMKT.stream().filter(n -> serviceOf(n).equals(service))
                    .anyMatch(n -> services().get(n).containsKey("build"))).as(service + " is built from its Dockerfile").isTrue();
        }
    }

    @Test
    void kafkaIsSecuredByDefaultWithCredentialsThatHaveNoDefault() {
        Map<String, String> kafkaEnv = env(services().get("kafka"));
        assertThat(kafkaEnv.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).as("no PLAINTEXT listener")
                .doesNotContain(":PLAINTEXT").contains("INTERNAL:SASL_PLAINTEXT", "EXTERNAL:SASL_PLAINTEXT");
        assertThat(kafkaEnv).containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-256")
                .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
                .containsEntry("KAFKA_SUPER_USERS", "User:admin");
        assertThat(kafkaEnv.get("KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS")).as("the host's port: SCRAM only")
                .isEqualTo("SCRAM-SHA-256");
        for (String name : FMKT) {
            Map<String, String> env = env(services().get(name));
            assertThat(env).as(name).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256").containsEntry("FMKT_DATA_DIR", "/data");
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG")).as(name + ": the services' principal, password required")
                    .contains("username=\"fmkt-service\"").contains("${FMKT_KAFKA_SERVICE_PASSWORD:?");
        }
        String init = String.join("\n", command(services().get("kafka-init")));
        assertThat(init).contains("--entity-name \"$$1\"", "u fmkt-service", "u fmkt-operator")
                .contains("--allow-principal User:fmkt-service --operation Read --operation Write --operation Describe"
                        + " --topic fmkt. --resource-pattern-type prefixed")
                .contains("--allow-principal User:fmkt-operator --operation Write --topic fmkt.runs")
                .doesNotContain("--allow-principal User:fmkt-operator --operation Write --topic fmkt.models");
        for (String v : List.of("FMKT_KAFKA_ADMIN_PASSWORD", "FMKT_KAFKA_SERVICE_PASSWORD", "FMKT_KAFKA_OPERATOR_PASSWORD")) {
            assertThat(env(services().get("kafka-init")).get(v)).as(v + " has no default").startsWith("${" + v + ":?");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> command(Map<String, Object> service) {
        Object c = service.get("command");
        return c instanceof List<?> l ? (List<String>) l : List.of(String.valueOf(c));
    }

    @Test
    void theTwoClientReplicasShareTheClientsByConsumerGroupWithTheirOwnGroupsForTheRest() {
        Set<String> instances = new TreeSet<>();
        for (String name : List.of("client-service-0", "client-service-1")) {
            Map<String, String> env = env(services().get(name));
            instances.add(env.get("FMKT_INSTANCE"));
            assertThat(env.get("FMKT_CLIENT_IDS")).as(name + ": hosted by fmkt.hosts assignment, so the other"
                    + " replica takes over when one dies").isEqualTo("group");
        }
        assertThat(instances).as("own consumer groups per replica").hasSize(2).doesNotContainNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaInitCreatesExactlyTheTopicsOfTopicsSpecs() {
        List<String> command = (List<String>) services().get("kafka-init").get("command");
        assertThat(Repo.topicsCreatedBy(String.join("\n", command))).isEqualTo(Repo.topicSpecs());
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusAndGrafanaMountTheFilesOfThisRepository() {
        Path dir = COMPOSE.getParent();
        for (String name : List.of("prometheus", "grafana")) {
            for (String volume : (List<String>) services().get(name).get("volumes")) {
                String source = volume.split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(Files.exists(dir.resolve(source))).as(name + " mounts " + source).isTrue();
                }
            }
        }
        // Prometheus targets (file_sd) name compose services and the services' ports.
        Pattern target = Pattern.compile("([a-z0-9-]+):(\\d+)");
        for (String service : Repo.SERVICES) {
            String targets = Repo.read(Repo.deploy("prometheus/targets/" + service + ".yml"));
            Matcher m = target.matcher(targets.substring(targets.indexOf("targets:")));
            int found = 0;
            while (m.find()) {
                found++;
                assertThat(serviceOf(m.group(1))).isEqualTo(service);
                assertThat(services()).containsKey(m.group(1));
                assertThat(Integer.parseInt(m.group(2))).isEqualTo(Repo.httpPort(service));
            }
            assertThat(found).as(service + " targets").isPositive();
        }
        long clients = FMKT.stream().filter(n -> n.startsWith("client-service")).count();
        assertThat(Repo.read(Repo.deploy("prometheus/targets/client-service.yml")).split("client-service-").length - 1)
                .as("every client replica scraped").isEqualTo((int) clients);
    }
}
