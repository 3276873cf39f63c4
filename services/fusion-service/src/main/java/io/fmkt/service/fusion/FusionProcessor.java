package io.fmkt.service.fusion;

import io.fmkt.core.protocol.FusionWorker;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.FmktSettings;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.RunFollower;
import io.fmkt.service.common.Runs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes fmkt.pairs (one {@link FusionRequested} per pair; partitions shared out across the
 * instances of this service, keyed by receiver), runs FM-kt through fmkt-core's
 * {@link FusionWorker} and announces the outcome on fmkt.fused. A redelivered request is answered
 * from memory: no second fusion, no second announcement.
 */
@ApplicationScoped
public class FusionProcessor {
    private static final Logger LOG = Logger.getLogger(FusionProcessor.class);

    @Inject
    Inbox inbox;
    @Inject
    Outbox outbox;
    @Inject
    Runs runs;
    @Inject
    DjlWorker worker;
    @Inject
    ObjectStore store;
    @Inject
    MeterRegistry registry;
    @Inject
    RunFollower follower;
    @Inject
    FmktSettings settings;

    @Inject
    @Channel("fused")
    Emitter<byte[]> fused;

    private final Map<FusionRequested, FusionCompleted> done = new ConcurrentHashMap<>();
    private final java.util.Set<FusionRequested> inFlight = ConcurrentHashMap.newKeySet();
    private String workerName;

    @PostConstruct
    void name() {
        workerName = settings.workerName();
    }

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        follower.onRun(record, this::learn);
    }

    /** Registers a run whose pairs this service fuses; a replay's fusions ran in the replay tool. */
    private void learn(RunStarted run) {
        if (!run.isReplay()) {
            runs.register(run);
            runs.prepare(run);
        }
    }

    /**
     * Two pairs at a time on their own worker threads ({@code fmkt-pairs} in application.properties): one
     * fetches its models or stores its result while the other fuses on the DJL thread, which takes one
     * fusion at a time. A pair is acknowledged when its outcome is announced, as before.
     */
    @Incoming("pairs")
    @Blocking(value = "fmkt-pairs", ordered = false)
    public void onPair(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, FusionRequested.class, this::handle);
    }

    void handle(FusionRequested request) {
        if (done.containsKey(request) || !inFlight.add(request)) {
            LOG.infof("run %s round %d: fusion %d->%d already announced or under way; redelivery ignored",
                    request.runId(), request.round(), request.updater(), request.receiver());
            return;
        }
        try {
            fuse(request);
        } finally {
            inFlight.remove(request);
        }
    }

    private void fuse(FusionRequested request) {
        RunStarted run = follower.runOf(request.runId(), this::learn);
        FusionWorker fusions = new FusionWorker(new ModelStore(store));
        // Models fetched and decoded on this thread, fused on the DJL thread; the kept one's snapshot
        // taken and both stored on this thread again, while the DJL thread fuses the next pair.
        FusionCompleted result;
        try (FusionWorker.Inputs inputs = fusions.fetch(request, run.config())) {
            FusionWorker.Fused computed = worker.call(() -> fusions.fuse(inputs, run.config(), runs.data(run)));
            result = fusions.store(computed, runs.data(run)).withWorker(workerName);
        }
        // The dashboard's per-setting panels: parameter averaging is its own setting, not "none".
        String layers = run.config().fusion().label();
        Timer.builder(Metrics.FUSION_DURATION).tag(Metrics.TAG_LAYERS, layers).publishPercentileHistogram()
                .register(registry).record(Duration.ofNanos((long) (result.seconds() * 1e9)));
        // By run and worker too: the run page's throughput (FusionThroughput) from the same announcements.
        String[] tags = {Metrics.TAG_RUN, request.runId(), Metrics.TAG_WORKER, workerName, Metrics.TAG_LAYERS, layers};
        registry.counter(Metrics.FUSION_PAIRS, Tags.of(tags).and(Metrics.TAG_OUTCOME,
                result.status().name().toLowerCase(java.util.Locale.ROOT))).increment();
        registry.counter(Metrics.FUSION_SAMPLES, tags).increment(result.images());
        registry.counter(Metrics.FUSION_SECONDS, tags).increment(result.seconds());
        outbox.sendAll(m -> fused, List.of(result));
        done.put(request, result);
        LOG.infof("run %s round %d: fused %d->%d (%s, %.1f s)", request.runId(), request.round(), request.updater(),
                request.receiver(), result.status(), result.seconds());
    }
}
