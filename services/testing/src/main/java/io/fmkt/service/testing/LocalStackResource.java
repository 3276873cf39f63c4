package io.fmkt.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.fmkt.stack.LocalStack;
import io.fmkt.stack.StackConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jboss.logging.Logger;

/**
 * A real Kafka and a real S3 server for {@code @QuarkusTest}s, started once per JVM and stopped when
 * the JVM exits (test classes share it; each test uses its own keys or run ids).
 *
 * <p>Default: the embedded {@link LocalStack} (KRaft Kafka + S3Proxy in this JVM, free ports, a temp
 * data dir), which needs nothing installed. With a Docker engine ({@code /var/run/docker.sock}) and
 * {@code FMKT_TESTCONTAINERS=1} it runs Kafka and MinIO containers instead ({@link ContainerStack}).
 * Either way every topic of {@code Topics.SPECS} exists before the application starts (auto-created
 * topics would miss the compaction of fmkt.runs and the partition counts).
 *
 * <p>The overrides it returns: {@code kafka.bootstrap.servers}, {@code fmkt.s3.endpoint},
 * {@code fmkt.s3.access-key}, {@code fmkt.s3.secret-key}, {@code fmkt.s3.bucket}, and Dev Services off.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {
    private static final Logger LOG = Logger.getLogger(LocalStackResource.class);
    public static final String BUCKET = "fmkt";

    /**
     * Where the running stack's overrides are kept between Quarkus applications. Not a static field:
     * each application (another {@code @TestProfile}, say) loads this class again in a new class
     * loader, which would start a second stack. A system property is JVM-wide; its name is outside
     * {@code fmkt.*} on purpose, since Quarkus would reject it as an unknown key of that namespace.
     */
    static final String STATE_PROPERTY = "io.fmkt.service.testing.stack";

    @Override
    public Map<String, String> start() {
        return startOnce();
    }

    static Map<String, String> startOnce() {
        synchronized (System.class) { // one lock for every class loader's copy of this class
            String saved = System.getProperty(STATE_PROPERTY);
            if (saved != null) {
                return decode(saved);
            }
            Map<String, String> overrides = useContainers() ? ContainerStack.start(BUCKET) : startEmbedded();
            System.setProperty(STATE_PROPERTY, encode(overrides));
            return overrides;
        }
    }

    /** One {@code key=value} per line; no key or value here contains a newline. */
    private static String encode(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static Map<String, String> decode(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : s.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** The stack lives until the JVM exits, so the next test class does not pay its start again. */
    @Override
    public void stop() {
    }

    static boolean useContainers() {
        return "1".equals(System.getenv("FMKT_TESTCONTAINERS")) && Files.exists(Path.of("/var/run/docker.sock"));
    }

    private static Map<String, String> startEmbedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("fmkt-test-stack");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        LocalStack stack = LocalStack.start(StackConfig.builder(dir).buckets(BUCKET).build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            deleteTree(dir);
        }, "fmkt-test-stack-stop"));
        TopicsSetup.createAll(stack.kafkaBootstrap());
        LOG.infof("LocalStackResource: embedded LocalStack (Kafka %s, S3 %s) up in %d ms", stack.kafkaBootstrap(),
                stack.s3Endpoint(), (System.nanoTime() - t0) / 1_000_000);
        return config(stack.kafkaBootstrap(), stack.s3Endpoint(), stack.credentials().accessKey(),
                stack.credentials().secretKey());
    }

    static Map<String, String> config(String bootstrap, String s3Endpoint, String accessKey, String secretKey) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        c.put("fmkt.s3.endpoint", s3Endpoint);
        c.put("fmkt.s3.access-key", accessKey);
        c.put("fmkt.s3.secret-key", secretKey);
        c.put("fmkt.s3.bucket", BUCKET);
        c.put("quarkus.kafka.devservices.enabled", "false");
        c.put("quarkus.devservices.enabled", "false");
        return c;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temp dir
        }
    }
}
