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

/** A single-node Kafka in KRaft combined mode (broker + controller in this JVM). */
final class EmbeddedKafka implements AutoCloseable {
    private static final int NODE_ID = 1;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    EmbeddedKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = Ports.resolve(port);
        this.controllerPort = Ports.resolve(controllerPort);
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
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by fmkt-local-stack at each start (ports may change)");
            }
            format(propsFile, clusterId());
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitBroker();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data dir " + dir, e);
        }
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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

    /** The same "kafka-storage.sh format" the distribution runs; a formatted dir is left untouched. */
    private static void format(Path propsFile, String clusterId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId,
                    "--config", propsFile.toString(), "--ignore-formatted"}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("Kafka storage format failed (rc " + rc + "): " + out);
        }
    }

    /** startup() returns before the broker is registered and unfenced; wait until it serves metadata. */
    private void awaitBroker() {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        try (Admin admin = Admin.create(conf)) {
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
