package io.fmkt.core.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that names Kafka topics, message keys and headers, and says which message goes
 * where. Services never spell a topic or build a key themselves.
 *
 * <p>Keys decide partitions, and Kafka orders messages only within a partition. So every key starts
 * with the run id, and per-client topics add the client that must see its messages in order: a
 * receiver's fusions of rounds r and r+1 land on the same partition (r+1 starts from r's result),
 * and a fusion consumer group shares the work out by receiver. A key is {@code runId/client}; a run
 * id cannot contain {@code /}, so {@link #runIdOfKey} can split it.
 */
public final class Topics {
    /** Compacted: one {@link RunStarted} per run, kept forever, so a log alone can replay a run. */
    public static final String RUNS = "fmkt.runs";
    /** {@link ModelPublished}, keyed {@code runId/client}. */
    public static final String MODELS = "fmkt.models";
    /** {@link FusionRequested}, keyed {@code runId/receiver}. */
    public static final String PAIRS = "fmkt.pairs";
    /** {@link FusionCompleted} and {@link PairSkipped}, keyed {@code runId/receiver}. */
    public static final String FUSED = "fmkt.fused";
    /** {@link RoundEvaluated}, keyed {@code runId}. */
    public static final String ROUNDS = "fmkt.rounds";
    /** {@link DeadLetter}, keyed by the original key. */
    public static final String DLQ = "fmkt.dlq";
    /**
     * Never written: client-service replicas started with {@code fmkt.client.ids=group} join one
     * consumer group on it, and client c is hosted by the owner of partition c mod its partition
     * count. A dead replica's partitions, and so its clients, move to the survivors.
     */
    public static final String HOSTS = "fmkt.hosts";

    // Headers duplicate a few JSON fields so a consumer can skip other runs, and tools can route or
    // count messages, without parsing payloads. Values are UTF-8 strings.
    public static final String HEADER_RUN = "fmkt-run";
    public static final String HEADER_TYPE = "fmkt-type";
    public static final String HEADER_SCHEMA = "fmkt-schema";
    public static final String HEADER_ROUND = "fmkt-round";
    public static final String HEADER_DLQ_REASON = "fmkt-dlq-reason";
    public static final String HEADER_DLQ_TOPIC = "fmkt-dlq-topic";
    public static final String HEADER_DLQ_PARTITION = "fmkt-dlq-partition";
    public static final String HEADER_DLQ_OFFSET = "fmkt-dlq-offset";

    /**
     * What a cluster needs to create a topic. Partition counts are suggestions sized for tens of
     * clients: {@link #PAIRS} caps fusion-service parallelism (consumers beyond its partitions idle);
     * {@link #RUNS} and {@link #DLQ} are low-volume and a single partition keeps them in total order.
     * Replication is the cluster's business and is not set here.
     */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {
        public TopicSpec {
            configs = Map.copyOf(configs);
        }
    }

    /** Every topic, in data-flow order. */
    public static final Map<String, TopicSpec> SPECS = specs(
            // Compaction keeps the latest value per key: only RunStarted may be keyed by runId here,
            // or a later message for the run would erase its config (RunResumed is keyed <run>/resume).
            new TopicSpec(RUNS, 1, Map.of("cleanup.policy", "compact")),
            new TopicSpec(MODELS, 6, Map.of()),
            new TopicSpec(PAIRS, 12, Map.of()),
            new TopicSpec(FUSED, 6, Map.of()),
            new TopicSpec(ROUNDS, 3, Map.of()),
            // Dead letters wait for a person: keep them a month rather than the 7-day default.
            new TopicSpec(DLQ, 1, Map.of("retention.ms", Long.toString(30L * 24 * 3600 * 1000))),
            // Partitions are client slots: as many as the client-service replicas that can share the clients.
            new TopicSpec(HOSTS, 12, Map.of()));

    private Topics() {
    }

    private static Map<String, TopicSpec> specs(TopicSpec... specs) {
        Map<String, TopicSpec> m = new LinkedHashMap<>();
        for (TopicSpec s : specs) {
            m.put(s.name(), s);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    public static String runKey(String runId) {
        return RunIds.validate(runId);
    }

    public static String modelKey(String runId, int client) {
        return RunIds.validate(runId) + "/" + Checks.atLeast("client", client, 0);
    }

    public static String pairKey(String runId, int receiver) {
        return RunIds.validate(runId) + "/" + Checks.atLeast("receiver", receiver, 0);
    }

    public static String fusedKey(String runId, int receiver) {
        return pairKey(runId, receiver);
    }

    public static String roundKey(String runId) {
        return RunIds.validate(runId);
    }

    /** The run id a key starts with (the whole key if it has no {@code /}); null for a null key. Not validated. */
    public static String runIdOfKey(String key) {
        if (key == null) {
            return null;
        }
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    public static String topicOf(MessageType type) {
        return switch (type) {
            case RUN_STARTED, RUN_RESUMED -> RUNS;
            case MODEL_PUBLISHED -> MODELS;
            case FUSION_REQUESTED -> PAIRS;
            case FUSION_COMPLETED, PAIR_SKIPPED -> FUSED;
            case ROUND_EVALUATED -> ROUNDS;
            case DEAD_LETTER -> DLQ;
        };
    }

    public static String topicOf(WireMessage m) {
        return topicOf(m.type());
    }

    /** The Kafka key for {@code m}; for a {@link DeadLetter}, the original key (possibly null). */
    public static String keyOf(WireMessage m) {
        return switch (m.type()) {
            case RUN_STARTED -> runKey(m.runId());
            case RUN_RESUMED -> runKey(m.runId()) + "/resume";
            case MODEL_PUBLISHED -> modelKey(m.runId(), ((ModelPublished) m).client());
            case FUSION_REQUESTED -> pairKey(m.runId(), ((FusionRequested) m).receiver());
            case FUSION_COMPLETED -> fusedKey(m.runId(), ((FusionCompleted) m).receiver());
            case PAIR_SKIPPED -> fusedKey(m.runId(), ((PairSkipped) m).receiver());
            case ROUND_EVALUATED -> roundKey(m.runId());
            case DEAD_LETTER -> ((DeadLetter) m).key();
        };
    }

    /**
     * The headers to send with {@code m}, in a stable order: run (when known), type, schema, round
     * (for round messages), and for a dead letter where it came from and why.
     */
    public static Map<String, String> headers(WireMessage m) {
        Map<String, String> h = new LinkedHashMap<>();
        if (m.runId() != null) {
            h.put(HEADER_RUN, m.runId());
        }
        h.put(HEADER_TYPE, m.type().wireName());
        h.put(HEADER_SCHEMA, Integer.toString(m.schema()));
        if (m instanceof RoundMessage r) {
            h.put(HEADER_ROUND, Integer.toString(r.round()));
        }
        if (m instanceof DeadLetter d) {
            h.put(HEADER_DLQ_REASON, d.reason());
            h.put(HEADER_DLQ_TOPIC, d.originalTopic());
            h.put(HEADER_DLQ_PARTITION, Integer.toString(d.partition()));
            h.put(HEADER_DLQ_OFFSET, Long.toString(d.offset()));
        }
        return java.util.Collections.unmodifiableMap(h);
    }
}
