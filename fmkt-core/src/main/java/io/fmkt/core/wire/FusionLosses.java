package io.fmkt.core.wire;

import io.fmkt.core.train.FusionResult;

/**
 * The loss trace of one mutual distillation (see {@link FusionResult}). "A" is the receiver's own
 * model, "B" the received one. Values may be NaN (an epoch that never completed, or the non-finite
 * value that failed the fusion); on the wire NaN and infinities are the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 *
 * @param ce      cross-entropy term of model a, last epoch mean
 * @param kd      logit-KD term of model a, last epoch mean
 * @param fmFirst per distilled stage, feature-map term of model a in the first epoch (empty for logit-only KD)
 * @param fmLast  the same in the last epoch
 */
public record FusionLosses(double lossAFirst, double lossALast, double lossBFirst, double lossBLast, double ce,
        double kd, double[] fmFirst, double[] fmLast) {

    public FusionLosses {
        fmFirst = Checks.required("fmFirst", fmFirst).clone();
        fmLast = Checks.required("fmLast", fmLast).clone();
        if (fmFirst.length > 4 || fmLast.length != fmFirst.length) {
            throw WireException.invalid("fmLast", "fmFirst and fmLast need one entry per distilled stage (0..4), got "
                    + fmFirst.length + " and " + fmLast.length);
        }
    }

    public static FusionLosses of(FusionResult r) {
        return new FusionLosses(r.lossAFirst(), r.lossALast(), r.lossBFirst(), r.lossBLast(), r.ceA(), r.kdA(),
                r.fmFirst(), r.fmLast());
    }
}
