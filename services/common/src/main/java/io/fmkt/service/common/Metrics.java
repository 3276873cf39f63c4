package io.fmkt.service.common;

/**
 * Metric names and tag keys, in one place so that dashboards and alerts have one vocabulary. Names
 * use dots (Micrometer's convention); the Prometheus registry turns {@code fmkt.fusion.duration}
 * into {@code fmkt_fusion_duration_seconds} and a counter {@code fmkt.dead.letters} into
 * {@code fmkt_dead_letters_total}. Services record them through an injected {@code MeterRegistry}.
 *
 * <p>Keep tag values low-cardinality: a run id or client index is fine for experiments of tens of
 * clients; never a key, an object digest or a round number (use {@link #ROUND} as a gauge instead).
 */
public final class Metrics {
    // --- fusion-service -------------------------------------------------------------------------
    /** Timer: one fusion (its own compute, as announced), for percentiles. Tags: layers. */
    public static final String FUSION_DURATION = "fmkt.fusion.duration";
    /** Counter: fusions finished. Tags: run, worker, layers, outcome (fused, failed). */
    public static final String FUSION_PAIRS = "fmkt.fusion.pairs";
    /** Counter: images seen by fusion training (both models of a pair count once). Tags: run, worker, layers. */
    public static final String FUSION_SAMPLES = "fmkt.fusion.samples";
    /**
     * Counter: seconds of fusion compute (each fusion's own timer, as announced). Pairs or samples over it
     * are a worker's throughput, the figures of the run page (FusionThroughput). Tags: run, worker, layers.
     */
    public static final String FUSION_SECONDS = "fmkt.fusion.seconds";

    // --- client-service -------------------------------------------------------------------------
    /** Counter: images seen by local training. Tags: run, client. */
    public static final String TRAIN_IMAGES = "fmkt.train.images";

    // --- client-service, fusion-service: work shared out by a consumer group -------------------
    /**
     * Gauge: partitions of a shared topic this replica owns: fmkt.hosts (client slots, in
     * {@code fmkt.client.ids=group}) or fmkt.pairs (fusion work). A dead replica's move to the
     * survivors; their sum over the live replicas is back to the partition count once they took over.
     * Tags: topic.
     */
    public static final String PARTITIONS_OWNED = "fmkt.partitions.owned";

    // --- every service: object store ------------------------------------------------------------
    /** Distribution summary (bytes): objects written or read. Tags: op (put, get), kind (weights, features). */
    public static final String STORE_BYTES = "fmkt.store.bytes";
    /** Timer: one object store call. Tags: op, outcome. */
    public static final String STORE_LATENCY = "fmkt.store.latency";

    // --- eval-service ---------------------------------------------------------------------------
    /** Gauge: mean global test accuracy of the last evaluated round. Tags: run, stat (mean, min, max, std). */
    public static final String ROUND_ACCURACY = "fmkt.round.accuracy";
    /** Gauge: CKA similarity between peers' feature maps at a stage, last round. Tags: run, stage. */
    public static final String ROUND_CKA = "fmkt.round.cka";
    /** Gauge: the round a run has reached (last round completed or evaluated). Tags: run, service. */
    public static final String RUN_ROUND = "fmkt.run.round";
    /** Counter: models evaluated on the test set (a digest already scored is not evaluated again). Tags: run. */
    public static final String EVAL_MODELS = "fmkt.eval.models";
    /**
     * Timer: evaluation work, each a round's evaluation (changed models not yet scored, CKA, publish) or
     * one model scored ahead of its round. Its sum is the evaluation compute. Tags: run.
     */
    public static final String EVAL_DURATION = "fmkt.eval.duration";

    // --- every service: rejected messages -------------------------------------------------------
    /** Counter: dead letters written to {@code fmkt.dlq} (see {@link DeadLetters}). Tags: reason, topic. */
    public static final String DEAD_LETTERS = "fmkt.dead.letters";

    // --- tag keys -------------------------------------------------------------------------------
    public static final String TAG_RUN = "run";
    public static final String TAG_CLIENT = "client";
    public static final String TAG_LAYERS = "layers";
    /** The process that did the work ({@code fmkt.worker}). */
    public static final String TAG_WORKER = "worker";
    public static final String TAG_STAGE = "stage";
    public static final String TAG_STAT = "stat";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_OP = "op";
    public static final String TAG_KIND = "kind";
    public static final String TAG_REASON = "reason";
    /** The Kafka topic a message came from (for dead letters: the original topic). */
    public static final String TAG_TOPIC = "topic";
    public static final String TAG_SERVICE = "service";

    private Metrics() {
    }
}
