package io.fmkt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Dockerfiles (no Docker engine here to build them) and the entrypoint, run for real. */
class DockerImagesTest {
    static final Path DOCKER = Repo.deploy("docker");

    @Test
    void eachDockerfileIsTheTemplateForItsServiceAndPort() {
        String template = Repo.read(DOCKER.resolve("Dockerfile.template"));
        for (String service : Repo.SERVICES) {
            String expected = template.replace("@SERVICE@", service).replace("@PORT@", Integer.toString(Repo.httpPort(service)));
            assertThat(Repo.read(DOCKER.resolve(service + ".Dockerfile")))
                    .as(service + ".Dockerfile is stale: run deploy/docker/generate.sh").isEqualTo(expected);
            String ignore = Repo.read(DOCKER.resolve(service + ".Dockerfile.dockerignore"));
            assertThat(ignore).startsWith("*\n").contains("!services/" + service + "/target/quarkus-app/");
        }
    }

    @Test
    void theImageIsJvmModeNonRootWithDjlNativesExtractedAtBuildTime() {
        String d = Repo.read(DOCKER.resolve("Dockerfile.template"));
        List<String> froms = d.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms.get(froms.size() - 1)).as("runtime base").isEqualTo("FROM ${JRE_IMAGE}");
        assertThat(froms.get(0)).as("build stage base").isEqualTo("FROM ${JDK_IMAGE} AS warmup");
        // Base images are build arguments; the defaults stay the public images.
        assertThat(d).contains("\nARG JDK_IMAGE=eclipse-temurin:17-jdk\n", "\nARG JRE_IMAGE=eclipse-temurin:17-jre\n");
        assertThat(d.indexOf("\nARG JRE_IMAGE=")).as("global ARG, before the first FROM").isLessThan(d.indexOf("\nFROM "));
        // A Docker 20.10 engine with no registry builds it: no frontend image, no COPY --chmod.
        assertThat(d).doesNotContain("# syntax=", "--chmod");
        assertThat(d).contains("target/quarkus-app/lib/", "target/quarkus-app/app/", "target/quarkus-app/quarkus/",
                "target/quarkus-app/*.jar");
        int user = d.indexOf("\nUSER ");
        int warmup = d.indexOf("\nRUN java ");
        assertThat(user).as("a USER").isPositive();
        assertThat(d.substring(user + 6, d.indexOf('\n', user + 1))).as("numeric non-root user")
                .matches("\\$\\{FMKT_UID}:\\$\\{FMKT_UID}");
        assertThat(d).contains("ARG FMKT_UID=10001");
        assertThat(warmup).as("the warm-up runs as that user, after the app is copied").isGreaterThan(user);
        assertThat(d.substring(warmup)).contains("DjlWarmup", "/deployments/lib/main/*");
        assertThat(d).contains("DJL_CACHE_DIR=/opt/djl", "DJL_OFFLINE=true", "ENTRYPOINT [\"/opt/fmkt/entrypoint.sh\"]");
        // The Kubernetes pods run as the image's user.
        assertThat(Repo.read(Repo.deploy("k8s/base/client-service.yaml"))).contains("runAsUser: 10001");
    }

    @Test
    void theEntrypointNamesAPodsOwnConsumerGroupsAfterItsOrdinal() throws Exception {
        for (int ordinal : new int[] {0, 3, 11}) {
            Map<String, String> out = entrypoint(Map.of("POD_NAME", "fmkt-client-service-" + ordinal,
                    "FMKT_CLIENT_IDS", "group", "JAVA_OPTS", "-Xmx1g -Dx=y"));
            assertThat(out).containsEntry("FMKT_INSTANCE", Integer.toString(ordinal)).containsEntry("FMKT_CLIENT_IDS", "group");
            assertThat(out.get("cmd")).isEqualTo("java -Xmx1g -Dx=y -jar /deployments/quarkus-run.jar");
        }
        // An explicit instance wins (compose); without a pod name nothing is derived (local runs).
        assertThat(entrypoint(Map.of("FMKT_INSTANCE", "7", "POD_NAME", "x-1"))).containsEntry("FMKT_INSTANCE", "7");
        assertThat(entrypoint(Map.of())).containsEntry("FMKT_INSTANCE", "").containsEntry("FMKT_CLIENT_IDS", "");
    }

    @Test
    void theHttpPortFollowsFmktHttpPortUnlessQuarkusHttpPortIsSet() throws Exception {
        assertThat(entrypoint(Map.of("FMKT_HTTP_PORT", "18081"))).containsEntry("QUARKUS_HTTP_PORT", "18081");
        assertThat(entrypoint(Map.of("FMKT_HTTP_PORT", "18081", "QUARKUS_HTTP_PORT", "9999")))
                .containsEntry("QUARKUS_HTTP_PORT", "9999");
        assertThat(entrypoint(Map.of())).containsEntry("QUARKUS_HTTP_PORT", "");
    }

    @Test
    void theEntrypointRefusesAPodNameWithoutAnOrdinal() throws Exception {
        Process q = start(Map.of("POD_NAME", "no-ordinal"));
        assertThat(q.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(64);
        assertThat(new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("'no-ordinal'");
    }

    static Map<String, String> entrypoint(Map<String, String> env) throws IOException, InterruptedException {
        Process p = start(env);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        List<String> lines = new ArrayList<>(out.lines().toList());
        Map<String, String> m = new java.util.HashMap<>();
        for (String l : lines.subList(0, 2)) {
            m.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
        }
        m.put("cmd", lines.get(2));
        m.put("QUARKUS_HTTP_PORT", lines.get(3).substring("QUARKUS_HTTP_PORT=".length()));
        return m;
    }

    static Process start(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", DOCKER.resolve("entrypoint.sh").toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("FMKT_") || k.startsWith("QUARKUS_") || k.equals("POD_NAME") || k.equals("JAVA_OPTS"));
        pb.environment().putAll(env);
        pb.environment().put("FMKT_ENTRYPOINT_DRY_RUN", "1");
        return pb.start();
    }
}
