package io.fmkt.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {
    private static final String TOPIC = "fmkt.test";
    private static final String BUCKET = "fmkt";

    @TempDir
    Path dir;

    @Test
    void kafkaAndS3WorkAndSurviveARestartOnTheSameDataDir() throws Exception {
        StackConfig config = StackConfig.builder(dir).credentials("test-key", "test-secret-123").buckets(BUCKET).build();
        byte[] blob = "weights".repeat(1000).getBytes(StandardCharsets.UTF_8);

        try (LocalStack stack = LocalStack.start(config)) {
            assertThat(stack.kafkaBootstrap()).startsWith("127.0.0.1:");
            assertThat(stack.s3Endpoint()).startsWith("http://127.0.0.1:");
            produce(stack, "run-1", "hello");
            assertThat(consumeAll(stack)).containsExactly("run-1=hello");

            minio(stack).putObject(PutObjectArgs.builder().bucket(BUCKET).object("runs/r1/models/a.fmktw")
                    .stream(new ByteArrayInputStream(blob), blob.length, -1).build());
            assertThat(get(minio(stack), "runs/r1/models/a.fmktw")).isEqualTo(blob);
            assertThat(list(minio(stack))).containsExactly("runs/r1/models/a.fmktw");
            MinioClient wrongSecret = MinioClient.builder().endpoint(stack.s3Endpoint()).region("us-east-1")
                    .credentials(stack.credentials().accessKey(), "not-the-secret").build();
            assertThatThrownBy(() -> get(wrongSecret, "runs/r1/models/a.fmktw")).hasMessageContaining("signature");
        }

        // Fresh free ports on the restart: nothing in the stored state may depend on them.
        try (LocalStack stack = LocalStack.start(config)) {
            assertThat(consumeAll(stack)).containsExactly("run-1=hello");
            assertThat(get(minio(stack), "runs/r1/models/a.fmktw")).isEqualTo(blob);
            produce(stack, "run-1", "again");
            assertThat(consumeAll(stack)).containsExactly("run-1=hello", "run-1=again");
        }
    }

    @Test
    void mainParsesOptionsAndRejectsUnknownOnes() {
        StackConfig c = LocalStackMain.parse(new String[] {"--data-dir", "x", "--kafka-port", "0", "--s3-port", "0",
                "--access-key", "a", "--secret-key", "b", "--bucket", "one", "--bucket", "two"});
        assertThat(c.kafkaPort()).isZero();
        assertThat(c.credentials()).isEqualTo(new S3Credentials("a", "b"));
        assertThat(c.buckets()).containsExactly("one", "two");
        assertThat(LocalStackMain.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--data-dir", "x", "--nope", "1"}))
                .hasMessageContaining("--nope");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--kafka-port", "1"}))
                .hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> StackConfig.builder(dir).buckets("Bad_Bucket").build())
                .hasMessageContaining("Bad_Bucket");
    }

    private static void produce(LocalStack stack, String key, String value) throws Exception {
        Map<String, Object> conf = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(conf, new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    /** Reads the whole topic from the beginning with a fresh group. */
    private static List<String> consumeAll(LocalStack stack) {
        Map<String, Object> conf = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(conf, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int idlePolls = 0;
            // Stop after the first records arrive and a poll comes back empty (or on timeout).
            while (System.nanoTime() < deadline && (out.isEmpty() || idlePolls == 0)) {
                var records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty() && !out.isEmpty()) {
                    idlePolls++;
                }
                for (ConsumerRecord<String, String> r : records) {
                    out.add(r.key() + "=" + r.value());
                }
            }
        }
        return out;
    }

    private static MinioClient minio(LocalStack stack) {
        return MinioClient.builder().endpoint(stack.s3Endpoint()).region("us-east-1")
                .credentials(stack.credentials().accessKey(), stack.credentials().secretKey()).build();
    }

    private static List<String> list(MinioClient client) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(BUCKET).recursive(true).build())) {
            keys.add(r.get().objectName());
        }
        return keys;
    }

    private static byte[] get(MinioClient client, String key) throws Exception {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
