package io.fmkt.stack;

import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft) and a real S3 server (S3Proxy) in this JVM, both keeping their
 * state under one data directory, so a restart on the same directory sees the same topics,
 * messages and objects. Everything listens on 127.0.0.1 only.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(StackConfig.builder(dir).build())) {
 *     String bootstrap = stack.kafkaBootstrap();   // "127.0.0.1:PORT"
 *     String s3 = stack.s3Endpoint();              // "http://127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final StackConfig config;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private boolean closed;

    private LocalStack(StackConfig config) {
        this.config = config;
        this.kafka = new EmbeddedKafka(config.dataDir().resolve(config.kafkaUsers() == null ? "kafka" : "kafka-secure"),
                config.kafkaPort(), config.controllerPort(), config.kafkaUsers());
        this.s3 = new EmbeddedS3(config.dataDir().resolve("s3"), config.s3Port(), config.credentials(), config.buckets());
    }

    /** Starts S3 then Kafka and returns once both accept requests; on failure nothing is left running. */
    public static LocalStack start(StackConfig config) {
        LocalStack stack = new LocalStack(config);
        long t0 = System.nanoTime();
        try {
            stack.s3.start();
            stack.kafka.start();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        LOG.info("local stack up in {} ms: kafka={} s3={} data={}", (System.nanoTime() - t0) / 1_000_000,
                stack.kafkaBootstrap(), stack.s3Endpoint(), config.dataDir());
        return stack;
    }

    /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
    public String kafkaBootstrap() {
        return kafka.bootstrap();
    }

    /** {@code http://127.0.0.1:PORT}, the S3 endpoint (path-style addressing). */
    public String s3Endpoint() {
        return s3.endpoint();
    }

    public S3Credentials credentials() {
        return config.credentials();
    }

    public List<String> buckets() {
        return config.buckets();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public StackConfig config() {
        return config;
    }

    /** Stops Kafka (a controlled shutdown that flushes its logs) and then S3; waits for both. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        RuntimeException failure = null;
        try {
            kafka.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            s3.close();
        } catch (Exception e) {
            RuntimeException r = new IllegalStateException("S3Proxy did not stop cleanly", e);
            if (failure == null) {
                failure = r;
            } else {
                failure.addSuppressed(r);
            }
        }
        if (failure != null) {
            throw failure;
        }
        LOG.info("local stack stopped in {} ms: data={}", (System.nanoTime() - t0) / 1_000_000, config.dataDir());
    }
}
