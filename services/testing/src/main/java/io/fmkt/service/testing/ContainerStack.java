package io.fmkt.service.testing;

import java.util.Map;

import org.jboss.logging.Logger;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka and MinIO as containers, for machines with a Docker engine (opt-in: FMKT_TESTCONTAINERS=1).
 * Kept in its own class so that the embedded path never loads Testcontainers. Not exercised on the
 * project's own machines, which have no Docker engine; the embedded stack is the tested path.
 * Containers stop with the JVM (Testcontainers' Ryuk reaper).
 */
final class ContainerStack {
    private static final Logger LOG = Logger.getLogger(ContainerStack.class);
    /** The broker version the local stack and the Quarkus BOM's kafka-clients use. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";

    private ContainerStack() {
    }

    @SuppressWarnings("resource") // closed by the reaper when the JVM exits
    static Map<String, String> start(String bucket) {
        long t0 = System.nanoTime();
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        MinIOContainer minio = new MinIOContainer(MINIO_IMAGE);
        kafka.start();
        minio.start();
        TopicsSetup.createAll(kafka.getBootstrapServers());
        LOG.infof("LocalStackResource: Testcontainers (Kafka %s at %s, MinIO %s at %s) up in %d ms", KAFKA_IMAGE,
                kafka.getBootstrapServers(), MINIO_IMAGE, minio.getS3URL(), (System.nanoTime() - t0) / 1_000_000);
        // S3ObjectStore creates the bucket on first use.
        return LocalStackResource.config(kafka.getBootstrapServers(), minio.getS3URL(), minio.getUserName(),
                minio.getPassword());
    }
}
