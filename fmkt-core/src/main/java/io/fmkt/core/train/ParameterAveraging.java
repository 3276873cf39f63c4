package io.fmkt.core.train;

import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.KeepPolicy;
import java.util.SplittableRandom;

/**
 * The baseline FM-kt is measured against: the receiver replaces its model by the element-wise mean
 * of its own and the received parameters (BatchNorm running statistics included). No data, no
 * training, so the result carries no loss trace.
 */
public final class ParameterAveraging implements Fusion {
    /**
     * Writes the mean into {@code own}; the result says the receiver keeps its (now averaged) own
     * model. Uses neither the data nor the random stream.
     */
    @Override
    public FusionResult fuse(ResNetModel own, ResNetModel received, ImageSet receiverData, SplittableRandom rng) {
        long start = System.nanoTime();
        float[][] a = own.values();
        float[][] b = received.values();
        if (a.length != b.length) {
            throw new IllegalArgumentException("cannot average models with " + a.length + " and " + b.length
                    + " parameter tensors");
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new IllegalArgumentException("parameter " + own.parameterNames().get(i) + " has " + a[i].length
                        + " values in the receiver's model and " + b[i].length + " in the received one");
            }
            for (int j = 0; j < a[i].length; j++) {
                a[i][j] = 0.5f * (a[i][j] + b[i][j]);
            }
        }
        own.setValues(a);
        String failure = Weights.allFinite(own) ? null : "non-finite weights after averaging";
        return new FusionResult(KeepPolicy.OWN, 0, 0, (System.nanoTime() - start) / 1e9, FusionLosses.NONE, null,
                failure);
    }
}
