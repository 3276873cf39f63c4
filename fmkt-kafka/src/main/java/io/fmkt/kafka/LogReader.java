package io.fmkt.kafka;

import io.fmkt.core.wire.EventLog;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireException;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one run back from the log: the records of some topics from an explicit timestamp up to
 * the end offsets at the time of the call, without a consumer group (nothing is committed, no live
 * consumer is disturbed). Records of other runs are skipped by key, before decoding; records that
 * do not decode were dead-lettered by the services and are no part of a run.
 */
public final class LogReader implements EventLog, AutoCloseable {
    private static final WireCodec CODEC = new WireCodec();
    private final KafkaConsumer<String, byte[]> consumer;

    public LogReader(String bootstrap) {
        this(KafkaAccess.plaintext(bootstrap).clientConfig());
    }

    /** @param kafka client settings: bootstrap and security ({@link KafkaAccess#clientConfig()}, a service's {@code kafka.*}) */
    public LogReader(Map<String, Object> kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        // It reads up to end offsets it already knows, never waits for new records: a fetch the broker
        // holds for them would only hold up the next read with the same reader (one fetch per broker).
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public List<WireMessage> read(String runId, Collection<String> topics, Instant since) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        if (since == null) {
            consumer.seekToBeginning(parts);
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = found.get(tp);
                consumer.seek(tp, o == null ? end.get(tp) : o.offset());
            }
        }
        List<WireMessage> out = new ArrayList<>();
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))
                        || !runId.equals(Topics.runIdOfKey(r.key())) || r.value() == null) {
                    continue;
                }
                try {
                    WireMessage m = CODEC.decodeAny(r.value());
                    if (runId.equals(m.runId())) {
                        out.add(m);
                    }
                } catch (WireException e) {
                    // dead-lettered by the services when it first arrived
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        // Nothing to commit or leave (no group); a plain close() waits for the fetch the consumer already
        // sent past the end, which the broker holds for fetch.max.wait.ms (0.5 s on every take-up).
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
}
