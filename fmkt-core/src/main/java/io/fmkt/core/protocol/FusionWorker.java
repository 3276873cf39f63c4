package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.train.Fusion;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.RoundSteps;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;

/**
 * One fusion request to one announcement: load both models (verified), fuse them on the
 * receiver's data by the run's {@link Fusion} method and settings, store the kept model.
 * Deterministic, so a redelivered request writes the same content-addressed object.
 *
 * <p>In three phases, so that a service can fetch the next pair's models and store the last pair's
 * while this one computes: {@link #fetch} (I/O, digests, decoding: plain copies into tensors, on any
 * thread) and {@link #store} (the kept model's feature snapshot, a forward pass with grad mode off,
 * encoding and uploads, on any thread, before the inputs close), around
 * {@link #fuse(Inputs, ExperimentConfig, ExperimentData)}, the training (one thread in a process, with DJL).
 */
public final class FusionWorker {
    private final ModelStore store;

    /** A request's two models, verified and decoded, in their own manager: close it once fused. */
    public record Inputs(FusionRequested request, NDManager manager, ResNetModel own, ResNetModel received)
            implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    /**
     * A fusion's result, when it began (epoch milliseconds), and, when it succeeded, the kept model
     * (one of the inputs' models: store it before they close).
     */
    public record Fused(FusionRequested request, FusionResult result, long startedAtMillis, ResNetModel kept) {
    }

    public FusionWorker(ModelStore store) {
        this.store = store;
    }

    /** All three phases in one call. */
    public FusionCompleted fuse(FusionRequested req, ExperimentConfig config, ExperimentData data) {
        try (Inputs in = fetch(req, config)) {
            return store(fuse(in, config, data), data);
        }
    }

    public Inputs fetch(FusionRequested req, ExperimentConfig config) {
        if (req.receiver() >= config.data().clients() || req.updater() >= config.data().clients()) {
            throw new IllegalArgumentException("pair " + req.updater() + "->" + req.receiver() + " names a client"
                    + " outside 0.." + (config.data().clients() - 1) + " of run " + req.runId());
        }
        byte[][] both = store.fetchBoth(req.own(), req.received());
        byte[] own = both[0];
        byte[] received = both[1];
        NDManager m = NDManager.newBaseManager();
        try {
            return new Inputs(req, m, store.decodeModel(own, m, config.width(), 10),
                    store.decodeModel(received, m, config.width(), 10));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public Fused fuse(Inputs in, ExperimentConfig config, ExperimentData data) {
        FusionRequested req = in.request();
        Fusion fusion = Fusion.of(config);
        long from = System.currentTimeMillis();
        FusionResult r = RoundSteps.fuse(config, fusion, req.round(), req.receiver(), in.own(), in.received(),
                data.shards().of(req.receiver()));
        if (!r.ok()) {
            return new Fused(req, r, from, null);
        }
        return new Fused(req, r, from, r.kept() == KeepPolicy.OWN ? in.own() : in.received());
    }

    /** The kept model's weights and feature snapshot stored, and the announcement of the outcome. */
    public FusionCompleted store(Fused f, ExperimentData data) {
        FusionRequested req = f.request();
        if (f.kept() == null) {
            return FusionCompleted.of(req.runId(), req.round(), req.pair(), f.result(), null, null, f.startedAtMillis());
        }
        ModelStore.Stored s = store.putModel(req.runId(), f.kept(), () -> FeatureSnapshot.capture(f.kept(), data.probe()));
        return FusionCompleted.of(req.runId(), req.round(), req.pair(), f.result(), s.weights(), s.features(),
                f.startedAtMillis());
    }
}
