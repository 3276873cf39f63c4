package io.fmkt.core.train;

import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.loss.LogitKd;
import io.fmkt.core.model.StageSelection;

/**
 * How a receiver fuses a received model with its own (the FM-kt hyperparameters).
 *
 * @param layerWeights w_1..w_4 (one per stage; only the selected stages are used)
 * @param holdoutFraction share of the receiver's data held out to pick a model under {@link KeepPolicy#BEST}
 */
public record FusionSettings(StageSelection layers, double[] layerWeights, FeatureNorm norm, double temperature,
        double alpha, double beta, int epochs, int batchSize, SgdSettings sgd, KeepPolicy keep, boolean augment,
        double holdoutFraction) {

    public FusionSettings {
        layerWeights = layerWeights.clone();
        FmktLoss.checkWeights(alpha, beta, layerWeights);
        LogitKd.checkTemperature(temperature);
        if (epochs < 0) {
            throw new IllegalArgumentException("fusion epochs must be >= 0, got " + epochs);
        }
        BatchStream.checkBatchSize(batchSize);
        if (holdoutFraction <= 0 || holdoutFraction >= 1) {
            throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + holdoutFraction);
        }
    }

    public FmktLoss loss() {
        return new FmktLoss(alpha, temperature, beta, layers, layerWeights, norm);
    }

}
