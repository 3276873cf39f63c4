package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionMethod;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * How a receiver combines the received model with its own: one class per method, as Flower's
 * {@code strategy/} package does. The simulator, the fusion worker and the replay call
 * {@link #fuse} and never ask which method they hold. A new method is one class implementing this,
 * its {@link FusionMethod} constant (the name the config carries) and its entry in {@link #METHODS}
 * (FusionTest fails for a constant without one).
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

    /** Each method's strategy, made from the run's config: the one place a method becomes a class. */
    Map<FusionMethod, Function<ExperimentConfig, Fusion>> METHODS = Collections.unmodifiableMap(new EnumMap<>(Map.of(
            FusionMethod.FMKT, c -> new MutualDistillation(FusionSettings.of(c)),
            FusionMethod.AVERAGE, c -> new ParameterAveraging())));

    /** The strategy {@code config} names. */
    static Fusion of(ExperimentConfig config) {
        return METHODS.get(config.fusion().method()).apply(config);
    }
}
