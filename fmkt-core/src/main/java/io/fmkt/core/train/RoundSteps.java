package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.numerics.Seeds;

/**
 * The two computations of a round, as functions of (config, round, client) only: the simulator and
 * the services call exactly these, so their numbers agree. Random streams derive from the run
 * seed, the round and the client, never from what ran before in this process.
 */
public final class RoundSteps {
    private RoundSteps() {
    }

    /** An updater's local update: trains {@code model} in place on the client's own data. */
    public static TrainResult localUpdate(ExperimentConfig c, int round, int client, ResNetModel model, ImageSet data) {
        return LocalTrainer.train(model, data, c.training(), Seeds.rng(c.schedule().seed(),
                Seeds.Purpose.LOCAL_SHUFFLE, round,
                client));
    }

    /**
     * A receiver's fusion of {@code own} (its current model) with {@code received}, both updated in
     * place, on the receiver's data, by whichever {@link Fusion} the run configures.
     */
    public static FusionResult fuse(ExperimentConfig c, Fusion fusion, int round, int receiver, ResNetModel own,
            ResNetModel received, ImageSet receiverData) {
        return fusion.fuse(own, received, receiverData, Seeds.rng(c.schedule().seed(), Seeds.Purpose.FUSION_SHUFFLE,
                round,
                receiver));
    }
}
