package io.fmkt.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka in KRaft combined mode (broker + controller in this JVM). PLAINTEXT, or secured
 * when given {@link KafkaUsers}: clients authenticate with SASL/SCRAM-SHA-256 (credentials written into
 * the metadata log when the storage is formatted), the controller listener with SASL/PLAIN as
 * {@value KafkaUsers#ADMIN}, and the standard authorizer denies whatever {@link KafkaAcls} does not grant.
 */
final class EmbeddedKafka implements AutoCloseable {
    private static final int NODE_ID = 1;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final KafkaUsers users;
    private KafkaRaftServer server;

    /** @param users null: PLAINTEXT, no authorization */
    EmbeddedKafka(Path dir, int port, int controllerPort, KafkaUsers users) {
        this.dir = dir;
        this.users = users;
        this.port = Ports.resolve(port);
        this.controllerPort = Ports.resolve(controllerPort, this.port);
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    int controllerPort() {
        return controllerPort;
    }

    void start() {
        try {
            Files.createDirectories(dir.resolve("logs"));
            Properties props = serverProperties();
            Path propsFile = dir.resolve("server.properties");
            Files.deleteIfExists(propsFile);
            // It holds the admin password when secured: owner-readable only, from creation on.
            Files.createFile(propsFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by fmkt-local-stack at each start (ports may change)");
            }
            format(propsFile, clusterId(), users);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitBroker();
            if (users != null) {
                grantAcls();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data dir " + dir, e);
        }
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        String client = users == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.setProperty("listeners", client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", client + "://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", client);
        p.setProperty("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:" + client);
        if (users != null) {
            String admin = KafkaUsers.ADMIN;
            String pw = users.password(admin);
            p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-256");
            p.setProperty("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
            p.setProperty("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", scramLogin(admin, pw));
            // SCRAM credentials live in the metadata the controller serves, so the controller
            // listener itself authenticates with PLAIN, against its own one-user list.
            p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
            p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("listener.name.controller.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin
                            + "\" password=\"" + pw + "\" user_" + admin + "=\"" + pw + "\";");
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.setProperty("super.users", "User:" + admin);
            p.setProperty("allow.everyone.if.no.acl.found", "false");
            p.setProperty("auto.create.topics.enable", "false");
        }
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        // One node: every internal topic must have replication factor 1 or consumers hang.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Small machine: fewer threads and a 16 MB (not 128 MB) compaction buffer.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        return p;
    }

    /** The cluster id is generated once and kept in the data dir, so a restart reuses the storage. */
    private String clusterId() throws IOException {
        Path file = dir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /**
     * The same "kafka-storage.sh format" the distribution runs; a formatted dir is left untouched.
     * Secured: with every user's SCRAM credential, so they exist before anyone connects.
     */
    private static void format(Path propsFile, String clusterId, KafkaUsers users) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("format", "--cluster-id", clusterId,
                "--config", propsFile.toString(), "--ignore-formatted"));
        if (users != null) {
            users.passwords().forEach((u, pw) -> {
                args.add("--add-scram");
                args.add("SCRAM-SHA-256=[name=" + u + ",password=" + pw + "]");
            });
        }
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), ps);
        }
        if (rc != 0) {
            // Never the arguments: they hold the passwords.
            throw new IllegalStateException("Kafka storage format failed (rc " + rc + "): " + out);
        }
    }

    /** The admin client's settings: as {@value KafkaUsers#ADMIN} when secured. */
    private Map<String, Object> adminConfig() {
        Map<String, Object> conf = new java.util.HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
        if (users != null) {
            conf.put("security.protocol", "SASL_PLAINTEXT");
            conf.put("sasl.mechanism", "SCRAM-SHA-256");
            conf.put("sasl.jaas.config", scramLogin(KafkaUsers.ADMIN, users.password(KafkaUsers.ADMIN)));
        }
        return conf;
    }

    /** Idempotent: the same bindings again are no change. */
    private void grantAcls() {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createAcls(KafkaAcls.bindings()).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the ACLs on " + bootstrap(), e);
        }
    }

    /** startup() returns before the broker is registered and unfenced; wait until it serves metadata. */
    private void awaitBroker() {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not come up on " + bootstrap(), e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
