package io.fmkt.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link LocalStack} needs. Ports of 0 mean "pick a free port at start".
 *
 * @param dataDir        root of all state: {@code kafka/} (log dirs, cluster id) and {@code s3/} (buckets)
 * @param kafkaPort      client listener (PLAINTEXT) port
 * @param controllerPort KRaft controller listener port
 * @param s3Port         S3 API port
 * @param credentials    the one access key / secret S3Proxy accepts (AWS V4 signatures)
 * @param buckets        buckets created at start when missing
 * @param kafkaUsers     null: Kafka on PLAINTEXT; else secured with these SCRAM users and fmkt's ACLs
 *                       (its own log dirs, {@code kafka-secure/}, formatted with the credentials)
 */
public record StackConfig(Path dataDir, int kafkaPort, int controllerPort, int s3Port,
                          S3Credentials credentials, List<String> buckets, KafkaUsers kafkaUsers) {

    /** S3 bucket naming rules, simplified: lower case, digits, dots and dashes, 3..63 chars. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public StackConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(credentials, "credentials");
        dataDir = dataDir.toAbsolutePath().normalize();
        checkPort("kafkaPort", kafkaPort);
        checkPort("controllerPort", controllerPort);
        checkPort("s3Port", s3Port);
        buckets = List.copyOf(buckets);
        for (String b : buckets) {
            if (!BUCKET.matcher(b).matches()) {
                throw new IllegalArgumentException("invalid bucket name: '" + b + "'");
            }
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " out of range: " + port);
        }
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Defaults: all ports free (0), credentials {@link S3Credentials#DEFAULT}, bucket {@code fmkt}. */
    public static final class Builder {
        private final Path dataDir;
        private int kafkaPort;
        private int controllerPort;
        private int s3Port;
        private S3Credentials credentials = S3Credentials.DEFAULT;
        private List<String> buckets = List.of("fmkt");
        private KafkaUsers kafkaUsers;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        public Builder s3Port(int port) {
            this.s3Port = port;
            return this;
        }

        public Builder credentials(String accessKey, String secretKey) {
            this.credentials = new S3Credentials(accessKey, secretKey);
            return this;
        }

        public Builder buckets(String... names) {
            this.buckets = List.of(names);
            return this;
        }

        public Builder buckets(List<String> names) {
            this.buckets = List.copyOf(names);
            return this;
        }

        public Builder kafkaUsers(KafkaUsers users) {
            this.kafkaUsers = users;
            return this;
        }

        public StackConfig build() {
            return new StackConfig(dataDir, kafkaPort, controllerPort, s3Port, credentials, buckets, kafkaUsers);
        }
    }
}
