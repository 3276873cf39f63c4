package io.fmkt.core.train;

/**
 * What local training did.
 *
 * @param failure null on success; otherwise why the result must not be used (the step that
 *                produced a non-finite value), recorded rather than thrown so a run can go on
 */
public record TrainResult(int steps, long images, double meanLoss, double firstEpochLoss, double seconds,
        String failure) {

    static TrainResult failed(int steps, long images, double lossSum, long startNanos, String why) {
        return new TrainResult(steps, images, steps == 0 ? Double.NaN : lossSum / steps, Double.NaN,
                (System.nanoTime() - startNanos) / 1e9, why);
    }

    public boolean ok() {
        return failure == null;
    }

    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }
}
