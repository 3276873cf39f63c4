package io.fmkt.core.loss;

import ai.djl.ndarray.NDArray;

/** Cross-entropy with the true labels, averaged over the batch. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** @param logits (B, C) @param labels (B) integer class ids */
    public static NDArray loss(NDArray logits, NDArray labels) {
        NDArray oneHot = labels.oneHot((int) logits.getShape().get(1));
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }
}
