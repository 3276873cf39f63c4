package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionMethod;
import java.util.SplittableRandom;

/**
 * How a receiver combines the received model with its own: one class per method, as Flower's
 * {@code strategy/} package does. The simulator, the fusion worker and the replay call
 * {@link #fuse} and never ask which method they hold. A new method is one class implementing this,
 * one {@link FusionMethod} constant and one case in {@link #of} (the compiler asks for it).
 */
public interface Fusion {

    /**
     * Fuses in place; afterwards the receiver keeps {@code own} or {@code received} as the result's
     * {@link FusionResult#kept()} says. A non-finite loss or weight is recorded in the result, never
     * thrown, so the caller can keep its previous model.
     *
     * @param receiverData the receiver's own training data
     * @param rng          the pair's random stream (batch order, augmentation, hold-out split)
     */
    FusionResult fuse(ResNetModel own, ResNetModel received, ImageSet receiverData, SplittableRandom rng);

    /** The strategy {@code config} names: the one place a config's fusion method becomes a strategy. */
    static Fusion of(ExperimentConfig config) {
        return switch (config.fusion().method()) {
            case FMKT -> new MutualDistillation(FusionSettings.of(config));
            case AVERAGE -> new ParameterAveraging();
        };
    }
}
