package io.fmkt.core.config;

/**
 * SGD with momentum and weight decay, as torch.optim.SGD (weight decay added to the gradient,
 * momentum buffer started from the first gradient), plus optional clipping of the global gradient
 * norm, which keeps mutual distillation from diverging at CPU-friendly learning rates.
 *
 * @param maxGradNorm 0 disables clipping
 */
public record SgdSettings(double learningRate, double momentum, double weightDecay, double maxGradNorm) {
    public SgdSettings {
        checkLearningRate(learningRate);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (maxGradNorm < 0) {
            throw new IllegalArgumentException("max gradient norm must be >= 0 (0 = off), got " + maxGradNorm);
        }
    }

    /** The fusion's own rate is checked alone: it shares the other settings with local training. */
    public static void checkLearningRate(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
    }
}
