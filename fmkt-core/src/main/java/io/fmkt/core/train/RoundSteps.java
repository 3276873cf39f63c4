package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.round.Seeds;

/**
 * The two computations of a round, as functions of (config, round, client) only: the simulator and
 * the services call exactly these, so their numbers agree. Random streams derive from the run
 * seed, the round and the client, never from what ran before in this process.
 */
public final class RoundSteps {
    private RoundSteps() {
    }

    public static LocalTrainer.Settings localSettings(ExperimentConfig c) {
        return new LocalTrainer.Settings(c.localEpochs(), c.batchSize(),
                new SgdSettings(c.learningRate(), c.momentum(), c.weightDecay(), c.maxGradNorm()), c.augment());
    }

    public static FusionSettings fusionSettings(ExperimentConfig c) {
        return new FusionSettings(StageSelection.parse(c.layers()), c.layerWeights(), FeatureNorm.parse(c.norm()),
                c.temperature(), c.alpha(), c.beta(), c.fusionEpochs(), c.batchSize(),
                new SgdSettings(c.fusionLearningRate(), c.momentum(), c.weightDecay(), c.maxGradNorm()),
                KeepPolicy.parse(c.keep()), c.augment(), c.holdoutFraction());
    }

    /** An updater's local update: trains {@code model} in place on the client's own data. */
    public static TrainResult localUpdate(ExperimentConfig c, int round, int client, ResNetModel model, ImageSet data) {
        return LocalTrainer.train(model, data, localSettings(c), Seeds.rng(c.seed(), Seeds.Purpose.LOCAL_SHUFFLE, round,
                client));
    }

    /**
     * A receiver's fusion of {@code own} (its current model) with {@code received}, both updated in
     * place, on the receiver's data, by whichever {@link Fusion} the run configures.
     */
    public static FusionResult fuse(ExperimentConfig c, Fusion fusion, int round, int receiver, ResNetModel own,
            ResNetModel received, ImageSet receiverData) {
        return fusion.fuse(own, received, receiverData, Seeds.rng(c.seed(), Seeds.Purpose.FUSION_SHUFFLE, round,
                receiver));
    }
}
