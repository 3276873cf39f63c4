package io.fmkt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s as a cluster would receive it: each kustomization built (the subset in
 * {@link Kustomize}), every document typed by fabric8's Kubernetes model, then checked against the
 * services' facts (ports, env keys, topics).
 */
class KubernetesManifestsTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final Path K8S = Repo.deploy("k8s");
    static final Set<String> KINDS = Set.of("Namespace", "ConfigMap", "Secret", "Service", "StatefulSet",
            "Deployment", "Job", "PersistentVolumeClaim", "ServiceMonitor", "KafkaTopic", "KafkaUser");
    /** Settings every service reads from its environment (services/README.md, "Configuration"). */
    static final List<String> REQUIRED_ENV = List.of("KAFKA_BOOTSTRAP_SERVERS", "FMKT_S3_ENDPOINT",
            "FMKT_S3_ACCESS_KEY", "FMKT_S3_SECRET_KEY");

    /** One built kustomization. */
    record Built(String name, List<HasMetadata> resources) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
            return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
        }

        List<GenericKubernetesResource> custom(String kind) {
            return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
        }

        /** The fmkt service workloads: pod template + its one container, by service name. */
        Map<String, Workload> services() {
            Map<String, Workload> out = new TreeMap<>();
            for (HasMetadata r : resources) {
                PodTemplateSpec t = r instanceof Deployment d ? d.getSpec().getTemplate()
                        : r instanceof StatefulSet s ? s.getSpec().getTemplate() : null;
                if (t == null) {
                    continue;
                }
                for (Container c : t.getSpec().getContainers()) {
                    if (Repo.SERVICES.contains(c.getName())) {
                        out.put(c.getName(), new Workload(r, t, c));
                    }
                }
            }
            return out;
        }
    }

    record Workload(HasMetadata owner, PodTemplateSpec template, Container container) {
        PodSpec pod() {
            return template.getSpec();
        }

        Optional<EnvVar> env(String name) {
            return Optional.ofNullable(container.getEnv()).orElse(List.of()).stream()
                    .filter(e -> e.getName().equals(name)).findFirst();
        }
    }

    static Built build(String path) {
        List<HasMetadata> typed = new ArrayList<>();
        for (Map<String, Object> r : Kustomize.build(K8S.resolve(path))) {
            typed.add(SERIALIZATION.unmarshal(SERIALIZATION.asJson(r)));
        }
        return new Built(path, typed);
    }

    static Stream<Built> all() {
        return Stream.of("base", "overlays/dev", "overlays/prod").map(KubernetesManifestsTest::build);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyDocumentIsAKnownKindWithAUniqueName(String path) {
        Built b = build(path);
        Set<String> seen = new HashSet<>();
        for (HasMetadata r : b.resources()) {
            assertThat(KINDS).as(path + ": kind of " + r.getMetadata().getName()).contains(r.getKind());
            assertThat(r.getMetadata().getName()).as(path + ": a " + r.getKind() + " without a name").isNotBlank();
            assertThat(seen.add(r.getKind() + "/" + r.getMetadata().getName())).as(path + ": duplicate "
                    + r.getKind() + "/" + r.getMetadata().getName()).isTrue();
        }
        assertThat(b.services()).as(path + ": the three services").containsOnlyKeys(Repo.SERVICES);
        if (!path.equals("base")) {
            assertThat(b.resources()).as(path + ": every resource in the overlay's namespace")
                    .filteredOn(r -> !r.getKind().equals("Namespace"))
                    .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isNotBlank());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void serviceWorkloadsProbeQuarkusHealthAndHaveResourcesAndRunAsNonRoot(String path) {
        build(path).services().forEach((service, w) -> {
            String where = path + " " + service;
            int port = Repo.httpPort(service);
            Container c = w.container();
            assertThat(c.getPorts()).as(where + " ports").anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(port);
            });
            assertHttpProbe(where + " readiness", c.getReadinessProbe(), "/q/health/ready");
            assertHttpProbe(where + " liveness", c.getLivenessProbe(), "/q/health/live");
            if (c.getStartupProbe() != null) {
                assertHttpProbe(where + " startup", c.getStartupProbe(), "/q/health/started");
            }
            for (String kind : List.of("cpu", "memory")) {
                Quantity request = c.getResources().getRequests().get(kind);
                Quantity limit = c.getResources().getLimits().get(kind);
                assertThat(request).as(where + " requests." + kind).isNotNull();
                assertThat(limit).as(where + " limits." + kind).isNotNull();
                assertThat(Quantity.getAmountInBytes(limit)).as(where + " limit >= request for " + kind)
                        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
            }
            var pod = w.pod().getSecurityContext();
            assertThat(pod.getRunAsNonRoot()).as(where + " runAsNonRoot").isTrue();
            assertThat(pod.getRunAsUser()).as(where + " runAsUser").isNotNull().isPositive();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(where + " privilege escalation").isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(where + " capabilities").contains("ALL");
            if (Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())) {
                assertThat(c.getVolumeMounts()).as(where + ": a read-only root needs a writable /tmp")
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            }
            assertThat(w.pod().getEnableServiceLinks()).as(where + ": KAFKA_* service links would become Kafka"
                    + " client properties").isFalse();
            Map<String, String> annotations = w.template().getMetadata().getAnnotations();
            assertThat(annotations).as(where + " scrape annotations").containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/q/metrics")
                    .containsEntry("prometheus.io/port", Integer.toString(port));
        });
    }

    static void assertHttpProbe(String where, Probe probe, String path) {
        assertThat(probe).as(where).isNotNull();
        assertThat(probe.getHttpGet()).as(where + " httpGet").isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(where + " path").isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(where + " port").isEqualTo("http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyServiceGetsItsSettingsFromTheConfigMapAndSecrets(String path) {
        Built b = build(path);
        b.services().forEach((service, w) -> {
            List<EnvFromSource> from = w.container().getEnvFrom();
            assertThat(from).as(path + " " + service + " envFrom").anySatisfy(
                    f -> assertThat(f.getConfigMapRef().getName()).isEqualTo("fmkt-config"));
            Set<String> secrets = from.stream().filter(f -> f.getSecretRef() != null)
                    .map(f -> f.getSecretRef().getName()).collect(Collectors.toSet());
            assertThat(secrets).as(path + " " + service + " secrets").contains("fmkt-s3", "fmkt-kafka");
            Set<String> available = new TreeSet<>();
            for (EnvFromSource f : from) {
                if (f.getConfigMapRef() != null) {
                    available.addAll(b.find(ConfigMap.class, f.getConfigMapRef().getName()).orElseThrow().getData().keySet());
                }
                if (f.getSecretRef() != null) {
                    available.addAll(secretKeys(b.find(Secret.class, f.getSecretRef().getName()).orElseThrow()));
                }
            }
            Optional.ofNullable(w.container().getEnv()).orElse(List.of()).forEach(e -> available.add(e.getName()));
            assertThat(available).as(path + " " + service + ": settings it needs").containsAll(REQUIRED_ENV);
            // The S3 secret key is never a plain value in a ConfigMap or the pod spec.
            assertThat(b.find(ConfigMap.class, "fmkt-config").orElseThrow().getData())
                    .doesNotContainKeys("FMKT_S3_SECRET_KEY", "FMKT_S3_ACCESS_KEY", "KAFKA_SASL_JAAS_CONFIG");
            assertThat(w.env("FMKT_S3_SECRET_KEY")).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyReferencedConfigMapSecretAndKeyExists(String path) {
        Built b = build(path);
        List<String> problems = new ArrayList<>();
        for (HasMetadata r : b.resources()) {
            PodSpec pod = r instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                    : r instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec()
                    : r instanceof Job j ? j.getSpec().getTemplate().getSpec() : null;
            if (pod == null) {
                continue;
            }
            String where = r.getKind() + "/" + r.getMetadata().getName();
            for (Container c : pod.getContainers()) {
                for (EnvFromSource f : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
                    if (f.getConfigMapRef() != null && b.find(ConfigMap.class, f.getConfigMapRef().getName()).isEmpty()) {
                        problems.add(where + ": ConfigMap " + f.getConfigMapRef().getName());
                    }
                    if (f.getSecretRef() != null && !secretExists(b, f.getSecretRef().getName(), null)) {
                        problems.add(where + ": Secret " + f.getSecretRef().getName());
                    }
                }
                for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (e.getValueFrom() == null) {
                        continue;
                    }
                    var cm = e.getValueFrom().getConfigMapKeyRef();
                    if (cm != null && !b.find(ConfigMap.class, cm.getName()).map(m -> m.getData().containsKey(cm.getKey()))
                            .orElse(false)) {
                        problems.add(where + ": ConfigMap key " + cm.getName() + "/" + cm.getKey());
                    }
                    var sk = e.getValueFrom().getSecretKeyRef();
                    if (sk != null && !secretExists(b, sk.getName(), sk.getKey())) {
                        problems.add(where + ": Secret key " + sk.getName() + "/" + sk.getKey());
                    }
                }
            }
            for (Volume v : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
                if (v.getSecret() != null && !secretExists(b, v.getSecret().getSecretName(), null)) {
                    problems.add(where + ": volume Secret " + v.getSecret().getSecretName());
                }
                if (v.getPersistentVolumeClaim() != null && b.resources().stream().noneMatch(x ->
                        x.getKind().equals("PersistentVolumeClaim")
                                && x.getMetadata().getName().equals(v.getPersistentVolumeClaim().getClaimName()))) {
                    problems.add(where + ": PVC " + v.getPersistentVolumeClaim().getClaimName());
                }
            }
        }
        assertThat(problems).as(path + ": references to nothing").isEmpty();
    }

    /**
     * A Secret in the build, or one that Strimzi writes for a resource in the build: the KafkaUser's
     * own Secret (same name, key sasl.jaas.config) and the cluster CA of the cluster the topics and
     * user belong to ({@code <cluster>-cluster-ca-cert}, keys ca.p12 / ca.password).
     */
    static boolean secretExists(Built b, String name, String key) {
        Optional<Secret> s = b.find(Secret.class, name);
        if (s.isPresent()) {
            return key == null || secretKeys(s.get()).contains(key);
        }
        boolean user = b.custom("KafkaUser").stream().anyMatch(u -> u.getMetadata().getName().equals(name));
        if (user) {
            return key == null || Set.of("password", "sasl.jaas.config").contains(key);
        }
        Set<String> clusters = b.custom("KafkaUser").stream()
                .map(u -> u.getMetadata().getLabels().get("strimzi.io/cluster")).collect(Collectors.toSet());
        return clusters.stream().anyMatch(c -> name.equals(c + "-cluster-ca-cert"))
                && (key == null || Set.of("ca.crt", "ca.p12", "ca.password").contains(key));
    }

    static Set<String> secretKeys(Secret s) {
        Set<String> keys = new TreeSet<>();
        Optional.ofNullable(s.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
        Optional.ofNullable(s.getData()).ifPresent(d -> keys.addAll(d.keySet()));
        return keys;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void imagesAreTheServiceImagesWithOneTag(String path) {
        Map<String, Workload> services = build(path).services();
        Set<String> tags = new TreeSet<>();
        services.forEach((service, w) -> {
            String image = w.container().getImage();
            assertThat(Kustomize.imageName(image)).as(path + " " + service + " image")
                    .matches("(.+/)?fmkt/" + service);
            tags.add(Objects.requireNonNull(Kustomize.imageTag(image), path + " " + service + ": image without a tag"));
        });
        assertThat(tags).as(path + ": one release for the three services").hasSize(1);
        assertThat(Repo.read(Repo.deploy("compose/compose.yaml"))).as("compose builds the same version")
                .contains("${FMKT_VERSION:-" + tags.iterator().next() + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void clientPodsShareTheClientsByConsumerGroupAndNameTheirOwnGroupsAfterTheirOrdinal(String path) {
        Built b = build(path);
        StatefulSet sts = (StatefulSet) b.services().get("client-service").owner();
        Workload w = b.services().get("client-service");
        assertThat(w.env("FMKT_CLIENT_IDS").map(EnvVar::getValue)).as(path + ": hosted by fmkt.hosts assignment,"
                + " so a dead pod's clients have a taker").contains("group");
        assertThat(sts.getSpec().getReplicas()).as(path + ": client pods with a slot of fmkt.hosts each")
                .isBetween(1, Repo.topicSpecs().get("fmkt.hosts").partitions());
        assertThat(w.env("POD_NAME").map(e -> e.getValueFrom().getFieldRef().getFieldPath()))
                .as(path + ": POD_NAME from the downward API (FMKT_INSTANCE)").contains("metadata.name");
        assertThat(w.env("FMKT_INSTANCE")).as(path + ": the ordinal names the pod's own groups").isEmpty();
        Service headless = b.find(Service.class, sts.getSpec().getServiceName()).orElseThrow();
        assertThat(headless.getSpec().getClusterIP()).as(path + ": governing Service is headless").isEqualTo("None");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void fusionReplicasShareThePairsPartitionsEvenly(String path) {
        int partitions = Repo.topicSpecs().get("fmkt.pairs").partitions();
        Deployment fusion = (Deployment) build(path).services().get("fusion-service").owner();
        int replicas = fusion.getSpec().getReplicas();
        assertThat(replicas).as(path + ": fusion-service replicas").isBetween(1, partitions);
        assertThat(partitions % replicas).as(path + ": %d partitions over %d replicas", partitions, replicas).isZero();
        Deployment eval = (Deployment) build(path).services().get("eval-service").owner();
        assertThat(eval.getSpec().getReplicas()).as(path + ": one scorer").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void servicesSelectPodsAndTheirNamedPorts(String path) {
        Built b = build(path);
        for (Service s : b.all(Service.class)) {
            Map<String, String> selector = s.getSpec().getSelector();
            List<PodTemplateSpec> pods = new ArrayList<>();
            b.all(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate()));
            b.all(StatefulSet.class).forEach(d -> pods.add(d.getSpec().getTemplate()));
            List<PodTemplateSpec> selected = pods.stream()
                    .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as(path + ": pods of Service " + s.getMetadata().getName()).hasSize(1);
            for (ServicePort port : s.getSpec().getPorts()) {
                String target = port.getTargetPort().getStrVal();
                assertThat(selected.get(0).getSpec().getContainers()).as(path + ": target port " + target)
                        .anySatisfy(c -> assertThat(c.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo(target)));
            }
        }
        b.services().forEach((service, w) -> assertThat(b.find(Service.class, service))
                .as(path + ": a Service named " + service + " (the Prometheus job label)").isPresent());
    }

    @Test
    void devCreatesExactlyTheTopicsOfTopicsSpecs() {
        Job job = build("overlays/dev").find(Job.class, "fmkt-topics").orElseThrow();
        String script = String.join("\n", job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
        assertThat(Repo.topicsCreatedBy(script)).isEqualTo(Repo.topicSpecs());
        assertThat(Repo.topicSpecs()).hasSize(7).containsKeys("fmkt.runs", "fmkt.pairs", "fmkt.dlq");
        assertThat(Repo.topicSpecs().get("fmkt.runs").configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void devEndpointsPointAtTheOverlaysOwnKafkaAndMinio() {
        Built dev = build("overlays/dev");
        Map<String, String> config = dev.find(ConfigMap.class, "fmkt-config").orElseThrow().getData();
        assertServiceAt(dev, config.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertServiceAt(dev, config.get("FMKT_S3_ENDPOINT").replaceFirst("^https?://", ""));
        StatefulSet kafka = dev.find(StatefulSet.class, "dev-kafka").orElseThrow();
        Container broker = kafka.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(broker.getImage()).isEqualTo("apache/kafka:4.1.2");
        Map<String, String> env = broker.getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                e -> Objects.toString(e.getValue(), "")));
        assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .containsEntry("KAFKA_ADVERTISED_LISTENERS", "CLIENT://" + config.get("KAFKA_BOOTSTRAP_SERVERS"))
                .containsEntry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT")
                .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        assertThat(env.get("KAFKA_LISTENER_NAME_CLIENT_PLAIN_SASL_JAAS_CONFIG")).as("the admin password from its Secret")
                .contains("password=\"$(FMKT_KAFKA_ADMIN_PASSWORD)\"");
        // The services authenticate as fmkt-service with the password the topics job gives that user.
        Map<String, String> users = dev.find(Secret.class, "dev-kafka-users").orElseThrow().getStringData();
        Map<String, String> client = dev.find(Secret.class, "fmkt-kafka").orElseThrow().getStringData();
        assertThat(client).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        assertThat(client.get("KAFKA_SASL_JAAS_CONFIG")).contains("username=\"fmkt-service\"")
                .contains("password=\"" + users.get("FMKT_KAFKA_SERVICE_PASSWORD") + "\"");
        assertThat(env.get("CLUSTER_ID")).as("a Kafka Uuid: 22 base64url characters").matches("[A-Za-z0-9_-]{22}");
        // MinIO and the services share the one credentials Secret.
        Deployment minio = dev.find(Deployment.class, "dev-minio").orElseThrow();
        assertThat(minio.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fmkt-s3"));
        assertThat(secretKeys(dev.find(Secret.class, "fmkt-s3").orElseThrow())).containsExactlyInAnyOrder(
                "FMKT_S3_ACCESS_KEY", "FMKT_S3_SECRET_KEY");
        assertThat(dev.find(Secret.class, "fmkt-s3").orElseThrow().getStringData().get("FMKT_S3_SECRET_KEY"))
                .as("MinIO needs 8+ characters").hasSizeGreaterThanOrEqualTo(8);
    }

    static void assertServiceAt(Built b, String hostPort) {
        String host = hostPort.substring(0, hostPort.indexOf(':'));
        int port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
        Service s = b.find(Service.class, host).orElseThrow(() -> new AssertionError(b.name() + ": no Service " + host));
        assertThat(s.getSpec().getPorts()).as(hostPort).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(port));
    }

    @Test
    void prodDeclaresTheTopicsOfTopicsSpecsAsStrimziKafkaTopics() {
        Built prod = build("overlays/prod");
        Map<String, Repo.TopicSpec> declared = new LinkedHashMap<>();
        String cluster = null;
        for (GenericKubernetesResource t : prod.custom("KafkaTopic")) {
            assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
            cluster = t.getMetadata().getLabels().get("strimzi.io/cluster");
            Map<String, Object> spec = t.get("spec");
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) spec.getOrDefault("config", Map.of());
            Map<String, String> fmktConfig = new TreeMap<>();
            config.forEach((k, v) -> {
                if (!k.equals("min.insync.replicas")) {
                    fmktConfig.put(k, String.valueOf(v));
                }
            });
            String name = (String) spec.get("topicName");
            declared.put(name, new Repo.TopicSpec(name, ((Number) spec.get("partitions")).intValue(), fmktConfig));
            assertThat(((Number) spec.get("replicas")).intValue()).as(name + " replicas").isGreaterThanOrEqualTo(3);
        }
        assertThat(declared).isEqualTo(Repo.topicSpecs());
        String topicsCluster = cluster;
        assertThat(prod.custom("KafkaUser")).as("the services' Kafka identity, same cluster").singleElement()
                .satisfies(u -> assertThat(u.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", topicsCluster));
        assertThat(prod.find(ConfigMap.class, "fmkt-config").orElseThrow().getData().get("KAFKA_BOOTSTRAP_SERVERS"))
                .as("Strimzi's bootstrap Service of that cluster").startsWith(cluster + "-kafka-bootstrap:");
    }

    @Test
    void prodTalksSaslSslWithStrimzisCredentialsAndIsMonitored() {
        Built prod = build("overlays/prod");
        Map<String, String> kafka = prod.find(Secret.class, "fmkt-kafka").orElseThrow().getStringData();
        assertThat(kafka).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        prod.services().forEach((service, w) -> {
            assertThat(w.env("KAFKA_SASL_JAAS_CONFIG").map(e -> e.getValueFrom().getSecretKeyRef().getName()))
                    .as(service + " JAAS from the KafkaUser's Secret").contains("fmkt");
            assertThat(w.container().getVolumeMounts()).as(service + " truststore mount").anySatisfy(m ->
                    assertThat(kafka.get("KAFKA_SSL_TRUSTSTORE_LOCATION")).startsWith(m.getMountPath() + "/"));
            assertThat(w.container().getVolumeMounts()).as(service + ": the base mounts survive the patch")
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            assertThat(w.env("POD_NAME").isPresent()).isEqualTo(service.equals("client-service"));
        });
        assertThat(prod.custom("ServiceMonitor")).singleElement().satisfies(sm -> {
            Map<String, Object> spec = sm.get("spec");
            assertThat(spec).containsEntry("jobLabel", "app.kubernetes.io/name");
            @SuppressWarnings("unchecked")
            Map<String, String> match = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
            for (String service : Repo.SERVICES) {
                Service s = prod.find(Service.class, service).orElseThrow();
                assertThat(s.getMetadata().getLabels()).containsAllEntriesOf(match)
                        .containsEntry("app.kubernetes.io/name", service);
            }
            assertThat(spec.toString()).contains("path=/q/metrics", "port=http");
        });
        assertThat(build("overlays/dev").custom("ServiceMonitor")).as("monitoring is optional").isEmpty();
        assertThat(prod.find(Secret.class, "fmkt-s3").orElseThrow().getStringData())
                .as("prod's S3 Secret is generated from s3.env (the example's keys)")
                .containsOnlyKeys("FMKT_S3_ACCESS_KEY", "FMKT_S3_SECRET_KEY");
        assertThat(Repo.read(K8S.resolve("overlays/prod/.gitignore"))).contains("s3.env");
    }

    @Test
    void everyManifestFileIsUsedBySomeKustomization() throws IOException {
        Set<Path> used = new HashSet<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path k : files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
                Map<String, Object> m = Repo.yamlMap(k);
                Kustomize.strings(m.get("resources")).forEach(r -> used.add(k.getParent().resolve(r).normalize()));
                Kustomize.list(m.get("patches")).forEach(p -> used.add(k.getParent().resolve(
                        (String) ((Map<?, ?>) p).get("path")).normalize()));
            }
        }
        try (Stream<Path> files = Files.walk(K8S)) {
            List<Path> orphans = files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !used.contains(p.normalize())).toList();
            assertThat(orphans).as("YAML files no kustomization uses (never applied, never checked)").isEmpty();
        }
    }

    // --- the kustomize subset itself -------------------------------------------------------------

    @Test
    void strategicMergeMergesNamedListsAndReplacesTheRest() {
        Map<String, Object> base = Map.of("spec", Map.of("replicas", 2, "containers", List.of(
                Map.of("name", "a", "env", List.of(Map.of("name", "X", "value", "1"), Map.of("name", "Y", "value", "2")),
                        "args", List.of("p", "q")))));
        Map<String, Object> patch = Map.of("spec", Map.of("replicas", 4, "containers", List.of(
                Map.of("name", "a", "env", List.of(Map.of("name", "Y", "value", "3"), Map.of("name", "Z", "value", "4")),
                        "args", List.of("r")))));
        Object merged = Kustomize.merge(base, patch);
        assertThat(merged).isEqualTo(Map.of("spec", Map.of("replicas", 4, "containers", List.of(
                Map.of("name", "a", "env", List.of(Map.of("name", "X", "value", "1"), Map.of("name", "Y", "value", "3"),
                        Map.of("name", "Z", "value", "4")), "args", List.of("r"))))));
        assertThat(Kustomize.merge(Map.of("a", 1, "b", 2), java.util.Collections.singletonMap("b", null)))
                .as("null deletes").isEqualTo(Map.of("a", 1));
    }

    @Test
    void theKustomizeSubsetRefusesWhatItWouldNotCheck(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources: [cm.yaml]\nhelmCharts: []\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("helmCharts");
        Files.writeString(dir.resolve("patch.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources: [cm.yaml]\npatches:\n  - path: patch.yaml\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("matches no resource");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources: [cm.yaml, missing.yaml]\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("missing.yaml does not exist");
    }

    @Test
    void topicScriptsAreParsedStrictly() {
        assertThat(Repo.topicsCreatedBy("t --topic a.b --partitions 3 --config x=1 --config y=z\nfoo\n"))
                .isEqualTo(Map.of("a.b", new Repo.TopicSpec("a.b", 3, Map.of("x", "1", "y", "z"))));
        assertThatThrownBy(() -> Repo.topicsCreatedBy("--topic a --partitions 1\n--topic a --partitions 2\n"))
                .hasMessageContaining("twice");
        assertThat(Repo.evalLong("30L * 24 * 3600 * 1000")).isEqualTo(2592000000L);
    }
}
