package io.fmkt.service.testing;

import java.util.Map;

import org.jboss.logging.Logger;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and an S3 server as containers, for machines with a Docker engine (opt-in:
 * FMKT_TESTCONTAINERS=1). Kept in its own class so that the embedded path never loads Testcontainers.
 *
 * <p>Images: {@code apache/kafka:4.1.2} and MinIO by default. Where no registry is reachable, the
 * images built here by {@code deploy/containers/images.sh} are substituted
 * ({@code deploy/containers/testcontainers.sh} sets both):
 * {@code FMKT_TESTCONTAINERS_KAFKA_IMAGE=fmkt-standin/kafka:4.1.2} (run by Testcontainers'
 * KafkaContainer as a compatible substitute for apache/kafka) and
 * {@code FMKT_TESTCONTAINERS_S3_IMAGE=fmkt-standin/s3proxy:4.1.0} (any image that is not MinIO runs
 * as a plain container with MinIO's credentials variables, ready on its "s3 stand-in ready" line).
 *
 * <p>Containers stop with the JVM: Testcontainers' Ryuk reaper, or, when Ryuk is disabled
 * (TESTCONTAINERS_RYUK_DISABLED=true: its image needs a registry too), a shutdown hook.
 */
final class ContainerStack {
    private static final Logger LOG = Logger.getLogger(ContainerStack.class);
    /** The broker version the local stack and the Quarkus BOM's kafka-clients use. */
    static final String KAFKA_IMAGE = env("FMKT_TESTCONTAINERS_KAFKA_IMAGE", "apache/kafka:4.1.2");
    static final String S3_IMAGE = env("FMKT_TESTCONTAINERS_S3_IMAGE", "minio/minio:RELEASE.2023-09-04T19-57-37Z");
    static final String S3_USER = "fmkt";
    static final String S3_SECRET = "fmkt-container-secret";

    private ContainerStack() {
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @SuppressWarnings("resource") // stopped by the reaper or the shutdown hook when the JVM exits
    static Map<String, String> start(String bucket) {
        long t0 = System.nanoTime();
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE).asCompatibleSubstituteFor("apache/kafka"));
        GenericContainer<?> s3;
        String endpoint;
        String user;
        String secret;
        if (DockerImageName.parse(S3_IMAGE).getRepository().endsWith("minio")) {
            MinIOContainer minio = new MinIOContainer(S3_IMAGE);
            s3 = minio;
            kafka.start();
            minio.start();
            endpoint = minio.getS3URL();
            user = minio.getUserName();
            secret = minio.getPassword();
        } else {
            s3 = new GenericContainer<>(DockerImageName.parse(S3_IMAGE)).withExposedPorts(9000)
                    .withEnv("MINIO_ROOT_USER", S3_USER).withEnv("MINIO_ROOT_PASSWORD", S3_SECRET)
                    .withEnv("S3_BUCKETS", bucket)
                    .waitingFor(Wait.forLogMessage(".*s3 stand-in ready.*", 1));
            kafka.start();
            s3.start();
            endpoint = "http://" + s3.getHost() + ":" + s3.getMappedPort(9000);
            user = S3_USER;
            secret = S3_SECRET;
        }
        if ("true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                s3.stop();
                kafka.stop();
            }, "fmkt-test-containers-stop"));
        }
        TopicsSetup.createAll(kafka.getBootstrapServers());
        LOG.infof("LocalStackResource: Testcontainers (Kafka %s at %s, S3 %s at %s) up in %d ms", KAFKA_IMAGE,
                kafka.getBootstrapServers(), S3_IMAGE, endpoint, (System.nanoTime() - t0) / 1_000_000);
        // S3ObjectStore creates the bucket on first use.
        return LocalStackResource.config(kafka.getBootstrapServers(), endpoint, user, secret);
    }
}
