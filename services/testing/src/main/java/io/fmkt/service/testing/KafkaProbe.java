package io.fmkt.service.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests that drive a service through the broker: send raw bytes to a topic,
 * and find the dead letter a service wrote for a given key.
 */
public final class KafkaProbe {
    private KafkaProbe() {
    }

    /** Sends {@code value} (any bytes, valid JSON or not) and waits for the broker's acknowledgement. */
    public static void send(String bootstrap, String topic, String key, byte[] value) {
        Map<String, Object> conf = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(conf)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + " at " + bootstrap, e);
        }
    }

    /**
     * Reads {@link Topics#DLQ} from the beginning (no consumer group) until a dead letter with
     * {@code key} appears, decoded with {@link WireCodec}; empty after {@code timeout}.
     */
    public static Optional<DeadLetter> awaitDeadLetter(String bootstrap, String key, Duration timeout) {
        return read(bootstrap, Topics.DLQ, key, timeout, 1).stream().findFirst()
                .map(v -> new WireCodec().decode(v, DeadLetter.class));
    }

    /**
     * The values of the records with {@code key} on {@code topic}, read from the beginning (no
     * consumer group) until {@code enough} were found or {@code timeout} passed.
     */
    public static List<byte[]> read(String bootstrap, String topic, String key, Duration timeout, int enough) {
        Map<String, Object> conf = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<byte[]> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(conf)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (System.nanoTime() < deadline && found.size() < enough) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Objects.equals(key, r.key())) {
                        found.add(r.value());
                    }
                }
            }
        }
        return found;
    }
}
