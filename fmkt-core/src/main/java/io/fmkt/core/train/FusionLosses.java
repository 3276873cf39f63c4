package io.fmkt.core.train;

/**
 * The loss trace of one fusion, as {@link FusionResult} and the wire's {@code FusionCompleted}
 * carry it. "A" is the receiver's own model, "B" the received one. Values may be NaN (an epoch
 * that never completed, the non-finite value that failed the fusion, or a method that does not
 * train, see {@link #NONE}); on the wire NaN and infinities are the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 *
 * @param lossAFirst mean total loss of model a in the first epoch
 * @param lossALast  the same in the last epoch
 * @param lossBFirst mean total loss of model b in the first epoch
 * @param lossBLast  the same in the last epoch
 * @param ce         cross-entropy term of model a, last epoch mean
 * @param kd         logit-KD term of model a, last epoch mean
 * @param fmFirst    per distilled stage, feature-map term of model a in the first epoch (empty for logit-only KD)
 * @param fmLast     the same in the last epoch (it should fall)
 */
public record FusionLosses(double lossAFirst, double lossALast, double lossBFirst, double lossBLast, double ce,
        double kd, double[] fmFirst, double[] fmLast) {

    /** No trace: a fusion without training (parameter averaging). */
    public static final FusionLosses NONE = new FusionLosses(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, new double[0], new double[0]);

    public FusionLosses {
        if (fmFirst == null || fmLast == null) {
            throw new IllegalArgumentException("fmFirst and fmLast are required (empty for logit-only KD)");
        }
        fmFirst = fmFirst.clone();
        fmLast = fmLast.clone();
        if (fmFirst.length > 4 || fmLast.length != fmFirst.length) {
            throw new IllegalArgumentException("fmFirst and fmLast need one entry per distilled stage (0..4), got "
                    + fmFirst.length + " and " + fmLast.length);
        }
    }
}
