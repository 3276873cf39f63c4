package io.fmkt.cli;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RunResult;
import io.fmkt.kafka.KafkaAccess;
import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireException;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits a run and follows it through the log. Reads only; the services do the work. A dead
 * letter for this run ends the wait with its reason (the run is then failing loudly, not hanging).
 */
public final class RunClient implements AutoCloseable {
    private static final WireCodec CODEC = new WireCodec();
    private final KafkaAccess kafka;
    private final KafkaProducer<String, byte[]> producer;

    public RunClient(String bootstrap) {
        this(KafkaAccess.plaintext(bootstrap));
    }

    /** A client of the broker {@code kafka} names, authenticated as its principal when it is secured. */
    public RunClient(KafkaAccess kafka) {
        this.kafka = kafka;
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the protocol's topics with their settings (compaction for runs) if missing. */
    public void ensureTopics() throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicSpec s : Topics.SPECS.values()) {
                if (!existing.contains(s.name())) {
                    missing.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
                }
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public void publish(WireMessage m) throws InterruptedException, ExecutionException {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.topicOf(m), Topics.keyOf(m), CODEC.encode(m));
        Topics.headers(m).forEach((k, v) -> r.headers().add(new RecordHeader(k, v.getBytes())));
        producer.send(r).get();
    }

    /**
     * What the log says about a finished run.
     *
     * @param rounds         in round order
     * @param outcomes       FusionCompleted / PairSkipped
     * @param models         ModelPublished
     * @param loggedAtMillis each model's, outcome's and round's record timestamp (when its service sent it, epoch ms), by identity
     */
    public record RunLog(List<RoundEvaluated> rounds, List<WireMessage> outcomes, List<ModelPublished> models,
            long finishedNanos, Map<WireMessage, Long> loggedAtMillis) {

        /** Seconds from {@code sinceMillis} (epoch ms, e.g. the submission) to when {@code m} was logged. */
        public double secondsAfter(long sinceMillis, WireMessage m) {
            return (loggedAtMillis.get(m) - sinceMillis) / 1e3;
        }

        /** The results of run {@code config}, as the simulator reports them. */
        public RunResult result(ExperimentConfig config) {
            return RunResult.ofLog(config, rounds, outcomes, models);
        }
    }

    /** A consumer positioned at the current end of the topics it will follow, so nothing is missed. */
    public Follower follow(String runId) {
        return new Follower(runId);
    }

    public final class Follower implements AutoCloseable {
        private final String runId;
        private final KafkaConsumer<String, byte[]> consumer;

        Follower(String runId) {
            this.runId = runId;
            Properties p = new Properties();
            p.putAll(kafka.clientConfig());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of(Topics.ROUNDS, Topics.FUSED, Topics.MODELS, Topics.DLQ)) {
                consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolve the end offsets now, before the run is submitted
        }

        /**
         * Waits for rounds 1..{@code rounds} to be evaluated.
         *
         * @throws RunFailedException on a dead letter for this run or when {@code timeout} passes
         */
        public RunLog await(int rounds, Duration timeout, Consumer<RoundEvaluated> onRound,
                Consumer<WireMessage> onOutcome) {
            return await(rounds, Map.of(), timeout, onRound, onOutcome);
        }

        /** As above, counting {@code alreadyLogged} rounds (read earlier) as evaluated. */
        public RunLog await(int rounds, Map<Integer, RoundEvaluated> alreadyLogged, Duration timeout,
                Consumer<RoundEvaluated> onRound, Consumer<WireMessage> onOutcome) {
            Map<Integer, RoundEvaluated> done = new TreeMap<>(alreadyLogged);
            List<WireMessage> outcomes = new ArrayList<>();
            List<ModelPublished> models = new ArrayList<>();
            Map<WireMessage, Long> loggedAt = new IdentityHashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (done.size() < rounds) {
                if (System.nanoTime() > deadline) {
                    throw new RunFailedException("run " + runId + " timed out after " + timeout.toSeconds()
                            + " s with " + done.size() + " of " + rounds + " rounds evaluated");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    WireMessage m;
                    try {
                        m = CODEC.decodeAny(r.value());
                    } catch (WireException e) {
                        continue; // not ours to judge: the services dead-letter malformed input
                    }
                    if (!runId.equals(m.runId())) {
                        continue;
                    }
                    if (m instanceof DeadLetter d) {
                        throw new RunFailedException("run " + runId + " failed: dead letter from " + d.originalTopic()
                                + ": " + d.reason() + (d.detail() == null ? "" : " (" + d.detail() + ")"));
                    } else if (m instanceof RoundEvaluated e && e.round() >= 1 && done.putIfAbsent(e.round(), e) == null) {
                        loggedAt.put(e, r.timestamp());
                        onRound.accept(e);
                    } else if (m instanceof FusionCompleted || m instanceof PairSkipped) {
                        outcomes.add(m);
                        loggedAt.put(m, r.timestamp());
                        onOutcome.accept(m);
                    } else if (m instanceof ModelPublished mp) {
                        models.add(mp);
                        loggedAt.put(m, r.timestamp());
                    }
                }
            }
            return new RunLog(List.copyOf(done.values()), outcomes, models, System.nanoTime(), loggedAt);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** The run did not finish: the message says why. */
    public static final class RunFailedException extends IllegalStateException { // one line at the CLI, exit 2
        public RunFailedException(String message) {
            super(message);
        }
    }

    /** All records of {@code topics} from the beginning up to now (for tests and replays). */
    public List<ConsumerRecord<String, byte[]>> readAll(Collection<String> topics) {
        Properties p = new Properties();
        p.putAll(kafka.clientConfig());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(300)).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() {
        producer.close();
    }
}
