package io.fmkt.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalStack} as its own process until SIGTERM/SIGINT.
 *
 * <pre>
 * java -cp target/fmkt-local-stack.jar:$(cat target/classpath.txt) io.fmkt.stack.LocalStackMain \
 *     --data-dir .fmkt/stack [--kafka-port 9092] [--controller-port 0] [--s3-port 9000] \
 *     [--access-key K] [--secret-key S] [--bucket fmkt]...
 * </pre>
 *
 * When ready it prints one line starting with {@value #READY} and writes {@code stack.json}
 * (endpoints, pid) into the data dir; the file is removed again on a clean shutdown, so a launcher
 * can wait for the line (or the file) and trust that a present file belongs to a live process.
 */
public final class LocalStackMain {
    static final String READY = "fmkt-local-stack ready";
    static final String STACK_JSON = "stack.json";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        StackConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fmkt-local-stack: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.println(usage());
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(config);
        } catch (RuntimeException e) {
            System.err.println("fmkt-local-stack: failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Path json = config.dataDir().resolve(STACK_JSON);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(json);
                stack.close();
            } catch (Exception e) {
                System.err.println("fmkt-local-stack: unclean shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "fmkt-local-stack-shutdown"));
        writeAtomically(json, stackJson(stack));
        System.out.println(READY + " kafka=" + stack.kafkaBootstrap() + " s3=" + stack.s3Endpoint()
                + " data=" + config.dataDir());
        System.out.flush();
        stopped.await();
    }

    /** Kafka and S3Proxy log a lot at INFO; keep WARN unless the caller set levels itself. */
    private static void quietLogging() {
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.io.fmkt", "info");
    }

    /** Returns null when help was asked for. */
    static StackConfig parse(String[] args) {
        Path dataDir = null;
        int kafkaPort = 9092;
        int controllerPort = 0;
        int s3Port = 9000;
        String accessKey = S3Credentials.DEFAULT.accessKey();
        String secretKey = S3Credentials.DEFAULT.secretKey();
        List<String> buckets = new ArrayList<>();
        Path kafkaUsers = null;
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("-h") || opt.equals("--help")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + opt);
            }
            String v = args[++i];
            switch (opt) {
                case "--data-dir" -> dataDir = Path.of(v);
                case "--kafka-port" -> kafkaPort = port(opt, v);
                case "--controller-port" -> controllerPort = port(opt, v);
                case "--s3-port" -> s3Port = port(opt, v);
                case "--access-key" -> accessKey = v;
                case "--secret-key" -> secretKey = v;
                case "--bucket" -> buckets.add(v);
                case "--kafka-users" -> kafkaUsers = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        StackConfig.Builder b = StackConfig.builder(dataDir).kafkaPort(kafkaPort).controllerPort(controllerPort).s3Port(s3Port)
                .credentials(accessKey, secretKey);
        if (!buckets.isEmpty()) {
            b.buckets(buckets);
        }
        if (kafkaUsers != null) {
            try {
                b.kafkaUsers(KafkaUsers.read(kafkaUsers));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--kafka-users: cannot read " + kafkaUsers + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static int port(String opt, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " expects a number, got '" + v + "'");
        }
    }

    static String usage() {
        return """
                usage: LocalStackMain --data-dir DIR [--kafka-port 9092] [--controller-port 0] [--s3-port 9000]
                                      [--access-key %s] [--secret-key ...] [--bucket fmkt]...
                                      [--kafka-users FILE]
                  A port of 0 picks a free one. State (topics, objects) survives restarts on the same DIR.
                  --kafka-users: Kafka secured with SASL/SCRAM and ACLs; FILE holds user=password lines for
                  admin, fmkt-service and fmkt-operator (keep it owner-readable)."""
                .formatted(S3Credentials.DEFAULT.accessKey());
    }

    /** The secret is deliberately left out: whoever started the stack passed it in. */
    static String stackJson(LocalStack stack) {
        StringBuilder buckets = new StringBuilder();
        for (String b : stack.buckets()) {
            buckets.append(buckets.length() == 0 ? "" : ", ").append(quote(b));
        }
        return "{\n"
                + "  \"kafkaBootstrap\": " + quote(stack.kafkaBootstrap()) + ",\n"
                + "  \"s3Endpoint\": " + quote(stack.s3Endpoint()) + ",\n"
                + "  \"s3AccessKey\": " + quote(stack.credentials().accessKey()) + ",\n"
                + "  \"buckets\": [" + buckets + "],\n"
                + "  \"dataDir\": " + quote(stack.dataDir().toString()) + ",\n"
                + "  \"pid\": " + ProcessHandle.current().pid() + "\n"
                + "}\n";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Readers polling for the file never see a half-written one. */
    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
