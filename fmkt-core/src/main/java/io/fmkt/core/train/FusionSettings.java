package io.fmkt.core.train;

import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionConfig;
import io.fmkt.core.config.SgdSettings;
import io.fmkt.core.config.TrainingConfig;

/**
 * What a mutual distillation needs: the config's fusion part (checked when the config was built)
 * and the optimiser settings a fusion shares with local training.
 *
 * @param sgd the fusion's optimiser: its own learning rate, local training's other settings
 */
public record FusionSettings(FusionConfig fusion, int batchSize, SgdSettings sgd, boolean augment) {

    public FusionSettings {
        java.util.Objects.requireNonNull(fusion, "fusion");
        java.util.Objects.requireNonNull(sgd, "sgd");
        TrainingConfig.checkBatchSize(batchSize);
    }

    public static FusionSettings of(ExperimentConfig c) {
        TrainingConfig t = c.training();
        return new FusionSettings(c.fusion(), t.batchSize(), t.sgd(c.fusion().learningRate()), t.augment());
    }

    public FmktLoss loss() {
        return new FmktLoss(fusion.alpha(), fusion.temperature(), fusion.beta(), fusion.layers(),
                fusion.layerWeights(), fusion.norm());
    }
}
