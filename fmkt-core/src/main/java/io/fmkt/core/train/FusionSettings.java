package io.fmkt.core.train;

import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.loss.FmktLoss;
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
        if (layerWeights.length != 4) {
            throw new IllegalArgumentException("need 4 layer weights (stages 1..4), got " + layerWeights.length);
        }
        for (double w : layerWeights) {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("layer weights must be finite and >= 0, got " + w);
            }
        }
        if (alpha < 0 || beta < 0) {
            throw new IllegalArgumentException("alpha and beta must be >= 0, got " + alpha + ", " + beta);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("fusion epochs must be >= 0, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("fusion batch size must be >= 2 (BatchNorm), got " + batchSize);
        }
        if (holdoutFraction <= 0 || holdoutFraction >= 1) {
            throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + holdoutFraction);
        }
    }

    public FmktLoss loss() {
        return new FmktLoss(alpha, temperature, beta, layers, layerWeights, norm);
    }

    public FusionSettings withLayers(StageSelection l) {
        return new FusionSettings(l, layerWeights, norm, temperature, alpha, beta, epochs, batchSize, sgd, keep,
                augment, holdoutFraction);
    }
}
