package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.fmkt.core.model.NoGrad;
import io.fmkt.core.model.ResNetModel;

/** Checks on a model's values. */
public final class Weights {
    private Weights() {
    }

    /** True when no parameter holds NaN or an infinity (a sum is non-finite exactly then, or overflows). */
    public static boolean allFinite(ResNetModel model) {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Parameter p : model.parameters()) {
                try (NDArray s = p.getArray().sum()) {
                    if (!Float.isFinite(s.getFloat())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
