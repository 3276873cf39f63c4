package io.fmkt.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured local broker, with real Kafka clients: nobody gets in without a SCRAM credential, a
 * wrong password is refused by name, and each principal may do only what fmkt's ACLs grant it.
 */
class SecuredKafkaTest {
    private static final KafkaUsers USERS = new KafkaUsers(Map.of(KafkaUsers.ADMIN, "admin-password-0123456789",
            KafkaUsers.SERVICE, "service-password-0123456789", KafkaUsers.OPERATOR, "operator-password-0123456789"));

    @TempDir
    Path dir;

    @Test
    void onlyAuthenticatedPrincipalsGetInAndEachOnlyWhereItsAclsAllow() throws Exception {
        StackConfig config = StackConfig.builder(dir).kafkaUsers(USERS).build();
        try (LocalStack stack = LocalStack.start(config)) {
            String bootstrap = stack.kafkaBootstrap();
            try (Admin op = Admin.create(client(bootstrap, KafkaUsers.OPERATOR, USERS.password(KafkaUsers.OPERATOR)))) {
                op.createTopics(List.of(new NewTopic("fmkt.runs", 1, (short) 1), new NewTopic("fmkt.models", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }

            // no credentials at all: the broker never lets the client in, so nothing is sent
            Map<String, Object> anonymous = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
            assertThatThrownBy(() -> send(anonymous, "fmkt.runs", "run-x", "{}")).isInstanceOf(Exception.class);
            // a wrong password: refused, and said so
            assertThatThrownBy(() -> send(client(bootstrap, KafkaUsers.SERVICE, "not-the-password-at-all"), "fmkt.runs",
                    "run-x", "{}")).hasRootCauseInstanceOf(SaslAuthenticationException.class);
            // the operator starts runs, but may not announce models
            send(client(bootstrap, KafkaUsers.OPERATOR, USERS.password(KafkaUsers.OPERATOR)), "fmkt.runs", "run-1", "start");
            assertThatThrownBy(() -> send(client(bootstrap, KafkaUsers.OPERATOR, USERS.password(KafkaUsers.OPERATOR)),
                    "fmkt.models", "run-1/0", "forged")).hasRootCauseInstanceOf(TopicAuthorizationException.class);
            // the services announce models, and read the runs in their consumer groups
            Map<String, Object> service = client(bootstrap, KafkaUsers.SERVICE, USERS.password(KafkaUsers.SERVICE));
            send(service, "fmkt.models", "run-1/0", "model");
            assertThat(readAll(service, "fmkt.runs", "fmkt-client-service-0-runs")).containsExactly("run-1=start");
            assertThat(readAll(service, "fmkt.models", "fmkt-client-service-0-models")).containsExactly("run-1/0=model");
            assertThat(Files.getPosixFilePermissions(dir.resolve("kafka-secure/server.properties"))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        // the credentials live in the metadata log: a restart on the same dir lets the same users in
        try (LocalStack stack = LocalStack.start(config)) {
            assertThat(readAll(client(stack.kafkaBootstrap(), KafkaUsers.SERVICE, USERS.password(KafkaUsers.SERVICE)),
                    "fmkt.runs", "fmkt-client-service-1-runs")).containsExactly("run-1=start");
        }
    }

    @Test
    void aUsersFileMustNameEveryPrincipalWithAStrongEnoughPassword() {
        assertThatThrownBy(() -> new KafkaUsers(Map.of(KafkaUsers.ADMIN, "admin-password-0123456789")))
                .hasMessageContaining("lacks user 'fmkt-service'");
        assertThatThrownBy(() -> new KafkaUsers(Map.of(KafkaUsers.ADMIN, "short", KafkaUsers.SERVICE,
                "service-password-0123456789", KafkaUsers.OPERATOR, "operator-password-0123456789")))
                .hasMessageContaining("passwords [A-Za-z0-9._~-]{16,128}").hasMessageNotContaining("short");
        assertThat(USERS.toString()).doesNotContain("password-0123456789");
    }

    private static Map<String, Object> client(String bootstrap, String user, String password) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("security.protocol", "SASL_PLAINTEXT");
        c.put("sasl.mechanism", "SCRAM-SHA-256");
        c.put("sasl.jaas.config", EmbeddedKafka.scramLogin(user, password));
        return c;
    }

    private static void send(Map<String, Object> conf, String topic, String key, String value) throws Exception {
        Map<String, Object> c = new HashMap<>(conf);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 8000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 7000);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, key, value)).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    private static List<String> readAll(Map<String, Object> conf, String topic, String group) {
        Map<String, Object> c = new HashMap<>(conf);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> got = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    got.add(r.key() + "=" + r.value());
                }
            }
            consumer.commitSync();
            assertThat(consumer.position(new TopicPartition(topic, 0))).isPositive();
            return got;
        }
    }
}
