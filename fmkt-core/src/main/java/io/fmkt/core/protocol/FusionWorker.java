package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.codec.FeatureSnapshotCodec;
import io.fmkt.core.codec.WeightCodec;
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
 * thread) and {@link #store} (uploads), around {@link #fuse(Inputs, ExperimentConfig, ExperimentData)},
 * the model work (one thread in a process, with DJL).
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

    /** A fusion's result and, when it succeeded, the kept model and its feature snapshot, encoded. */
    public record Fused(FusionRequested request, FusionResult result, byte[] weights, byte[] features) {
    }

    public FusionWorker(ModelStore store) {
        this.store = store;
    }

    /** All three phases in one call. */
    public FusionCompleted fuse(FusionRequested req, ExperimentConfig config, ExperimentData data) {
        Fused f;
        try (Inputs in = fetch(req, config)) {
            f = fuse(in, config, data);
        }
        return store(f);
    }

    public Inputs fetch(FusionRequested req, ExperimentConfig config) {
        if (req.receiver() >= config.data().clients() || req.updater() >= config.data().clients()) {
            throw new IllegalArgumentException("pair " + req.updater() + "->" + req.receiver() + " names a client"
                    + " outside 0.." + (config.data().clients() - 1) + " of run " + req.runId());
        }
        byte[] own = store.fetch(req.own());
        byte[] received = store.fetch(req.received());
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
        FusionResult r = RoundSteps.fuse(config, fusion, req.round(), req.receiver(), in.own(), in.received(),
                data.shards().of(req.receiver()));
        if (!r.ok()) {
            return new Fused(req, r, null, null);
        }
        ResNetModel kept = r.kept() == KeepPolicy.OWN ? in.own() : in.received();
        return new Fused(req, r, WeightCodec.encode(kept),
                FeatureSnapshotCodec.encode(FeatureSnapshot.capture(kept, data.probe())));
    }

    public FusionCompleted store(Fused f) {
        FusionRequested req = f.request();
        if (f.weights() == null) {
            return FusionCompleted.of(req.runId(), req.round(), req.pair(), f.result(), null, null);
        }
        ModelStore.Stored s = store.putEncodedModel(req.runId(), f.weights(), f.features());
        return FusionCompleted.of(req.runId(), req.round(), req.pair(), f.result(), s.weights(), s.features());
    }
}
