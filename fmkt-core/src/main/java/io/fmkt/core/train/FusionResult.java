package io.fmkt.core.train;

/**
 * The outcome of one mutual distillation.
 *
 * @param kept       which model the receiver keeps (by the keep policy)
 * @param lossA      mean total loss of the receiver's own model, first and last epoch
 * @param fmFirst    per selected stage, mean feature-map term of model a in the first epoch
 * @param fmLast     the same in the last epoch (it should fall)
 * @param holdoutAcc accuracy (percent) of own/received on the hold-out under BEST, else NaN
 * @param failure    null on success; otherwise the step and losses that went non-finite
 */
public record FusionResult(KeepPolicy kept, int steps, long images, double seconds,
        double ceA, double kdA, double lossAFirst, double lossALast, double lossBFirst, double lossBLast,
        double[] fmFirst, double[] fmLast, double[] holdoutAcc, String failure) {

    public boolean ok() {
        return failure == null;
    }

    /** Fusion throughput counting both models' images, as a single-model trainer would. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }
}
