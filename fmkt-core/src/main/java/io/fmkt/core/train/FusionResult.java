package io.fmkt.core.train;

import io.fmkt.core.config.KeepPolicy;

/**
 * The outcome of one fusion, by any {@link Fusion} method.
 *
 * @param kept       which model the receiver keeps (by the keep policy)
 * @param steps      optimiser steps taken (0 for a method that does not train)
 * @param images     images processed, counting both models
 * @param seconds    wall-clock time of the fusion
 * @param losses     the loss trace ({@link FusionLosses#NONE} for a method that does not train)
 * @param holdoutAcc accuracy (percent) of own/received on the hold-out under BEST, else null
 * @param failure    null on success; otherwise the step and losses that went non-finite
 */
public record FusionResult(KeepPolicy kept, int steps, long images, double seconds, FusionLosses losses,
        double[] holdoutAcc, String failure) {

    public boolean ok() {
        return failure == null;
    }

    /** Fusion throughput counting both models' images, as a single-model trainer would. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }
}
