package io.fmkt.core.loss;

import ai.djl.ndarray.NDArray;
import io.fmkt.core.numerics.Scalars;

/**
 * Hinton et al.'s knowledge distillation on logits: {@code T^2 * KL(softmax(z_t/T) || softmax(z_s/T))},
 * summed over classes and averaged over the batch (PyTorch's "batchmean"; RepDistiller's DistillKL).
 * The T^2 keeps the gradient scale independent of T.
 */
public final class LogitKd {
    private final double temperature;

    public LogitKd(double temperature) {
        checkTemperature(temperature);
        this.temperature = temperature;
    }

    /** The one check of T, for the loss, the fusion settings and the config. */
    public static void checkTemperature(double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("KD temperature must be > 0, got " + temperature);
        }
    }

    /** @param zS student logits (B, C) @param zT teacher logits (B, C), already detached */
    public NDArray loss(NDArray zS, NDArray zT) {
        float invT = (float) (1.0 / temperature);
        NDArray logPs = zS.mul(Scalars.of(zS, invT)).logSoftmax(1);
        NDArray logPt = zT.mul(Scalars.of(zT, invT)).logSoftmax(1);
        long batch = zS.getShape().get(0);
        NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum();
        return kl.mul(Scalars.of(kl, (float) (temperature * temperature / batch)));
    }
}
