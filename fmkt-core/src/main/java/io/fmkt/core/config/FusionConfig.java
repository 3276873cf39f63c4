package io.fmkt.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.loss.LogitKd;
import io.fmkt.core.model.StageSelection;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a receiver fuses a received model with its own: the method and, for FM-kt, the loss
 * {@code CE + alpha * KD_T + beta * sum_l w_l * MSE(norm(F_a^l), norm(F_b^l))} and which model it keeps.
 * Batch size, momentum, weight decay, clip and augmentation are shared with {@link TrainingConfig}.
 *
 * @param method          {@code fmkt} (mutual distillation, the method) or {@code average} (parameter averaging,
 *                        the baseline); absent in older logs = fmkt
 * @param epochs          mutual-distillation epochs per fusion
 * @param learningRate    the fusion's SGD learning rate
 * @param layers          the ResNet stages whose feature maps are distilled
 * @param layerWeights    w_1..w_4 (one per stage; only the selected stages are used)
 * @param holdoutFraction share of the receiver's data held out to pick a model under {@link KeepPolicy#BEST}
 */
public record FusionConfig(@JsonProperty(defaultValue = "fmkt") FusionMethod method, int epochs,
        double learningRate, StageSelection layers, double[] layerWeights, FeatureNorm norm, double temperature,
        double alpha, double beta, KeepPolicy keep, double holdoutFraction) {

    public FusionConfig {
        method = method == null ? FusionMethod.FMKT : method;
        Problems bad = new Problems();
        if (layers == null || norm == null || keep == null || layerWeights == null) {
            bad.add("layers, layerWeights, norm and keep are required");
        } else {
            layerWeights = layerWeights.clone();
            double[] w = layerWeights;
            bad.check(() -> FmktLoss.checkWeights(alpha, beta, w));
        }
        if (epochs < 0) {
            bad.add("fusion epochs must be >= 0, got " + epochs);
        }
        bad.check(() -> SgdSettings.checkLearningRate(learningRate));
        bad.check(() -> LogitKd.checkTemperature(temperature));
        if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
            bad.add("holdout fraction must be in (0, 1), got " + holdoutFraction);
        }
        bad.throwIfAny("");
    }

    @Override
    public double[] layerWeights() {
        return layerWeights.clone();
    }

    /** What the dashboard calls this setting: the distilled stages, or the baseline's name. */
    public String label() {
        return method == FusionMethod.FMKT ? layers.toString() : method.label();
    }

    // A record compares arrays by identity; two configs with equal weights are the same experiment.
    @Override
    public boolean equals(Object o) {
        return o instanceof FusionConfig f && method == f.method && epochs == f.epochs
                && Double.compare(learningRate, f.learningRate) == 0 && layers.equals(f.layers)
                && Arrays.equals(layerWeights, f.layerWeights) && norm == f.norm
                && Double.compare(temperature, f.temperature) == 0 && Double.compare(alpha, f.alpha) == 0
                && Double.compare(beta, f.beta) == 0 && keep == f.keep
                && Double.compare(holdoutFraction, f.holdoutFraction) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, epochs, learningRate, layers, Arrays.hashCode(layerWeights), norm, temperature,
                alpha, beta, keep, holdoutFraction);
    }

    @Override
    public String toString() {
        return "FusionConfig[method=" + method.label() + ", epochs=" + epochs + ", learningRate=" + learningRate
                + ", layers=" + layers + ", layerWeights=" + Arrays.toString(layerWeights) + ", norm=" + norm.label()
                + ", temperature=" + temperature + ", alpha=" + alpha + ", beta=" + beta + ", keep=" + keep.label()
                + ", holdoutFraction=" + holdoutFraction + "]";
    }
}
