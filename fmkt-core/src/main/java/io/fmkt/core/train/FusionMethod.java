package io.fmkt.core.train;

import java.util.Locale;

/** How a receiver combines the received model with its own. */
public enum FusionMethod {
    /** Mutual distillation with logit KD and feature-map terms: the method under study. */
    FMKT,
    /** Element-wise mean of both models' parameters: the "simple averaging" baseline. */
    AVERAGE;

    public static FusionMethod parse(String s) {
        for (FusionMethod m : values()) {
            if (m.label().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fusion method '" + s + "' (expected fmkt or average)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
