package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.round.ExperimentConfig;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a receiver combines the received model with its own: one class per method, as Flower's
 * {@code strategy/} package does. The simulator, the fusion worker and the replay call
 * {@link #fuse} and never ask which method they hold. A new method is one class implementing this
 * plus one line in {@link #METHODS}.
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

    /** What the dashboard calls this setting: the distilled stages, or the method's own name. */
    String label();

    /** A method by its config name ({@code fusion = ...}) and how to build it from a config. */
    record Method(String name, Function<ExperimentConfig, Fusion> make) {
    }

    /** The one place a config's {@code fusion} value becomes a strategy. */
    List<Method> METHODS = List.of(
            new Method(MutualDistillation.NAME, c -> new MutualDistillation(RoundSteps.fusionSettings(c))),
            new Method(ParameterAveraging.NAME, c -> new ParameterAveraging()));

    /** The strategy {@code config} names. */
    static Fusion of(ExperimentConfig config) {
        return method(config.fusion()).make().apply(config);
    }

    /** The method called {@code name} (case-insensitive). */
    static Method method(String name) {
        for (Method m : METHODS) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fusion method '" + name + "' (expected "
                + METHODS.stream().map(Method::name).collect(Collectors.joining(" or ")) + ")");
    }
}
