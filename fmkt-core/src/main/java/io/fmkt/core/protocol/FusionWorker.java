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
 */
public final class FusionWorker {
    private final ModelStore store;

    public FusionWorker(ModelStore store) {
        this.store = store;
    }

    public FusionCompleted fuse(FusionRequested req, ExperimentConfig config, ExperimentData data) {
        if (req.receiver() >= config.data().clients() || req.updater() >= config.data().clients()) {
            throw new IllegalArgumentException("pair " + req.updater() + "->" + req.receiver() + " names a client"
                    + " outside 0.." + (config.data().clients() - 1) + " of run " + req.runId());
        }
        Fusion fusion = Fusion.of(config);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel own = store.loadModel(req.own(), m, config.width(), 10);
             ResNetModel received = store.loadModel(req.received(), m, config.width(), 10)) {
            FusionResult r = RoundSteps.fuse(config, fusion, req.round(), req.receiver(), own, received,
                    data.shards().of(req.receiver()));
            if (!r.ok()) {
                return FusionCompleted.of(req.runId(), req.round(), req.pair(), r, null, null);
            }
            ResNetModel kept = r.kept() == KeepPolicy.OWN ? own : received;
            return FusionCompleted.of(req.runId(), req.round(), req.pair(), r, store.putWeights(req.runId(), kept),
                    store.putFeatures(req.runId(), FeatureSnapshot.capture(kept, data.probe())));
        }
    }
}
