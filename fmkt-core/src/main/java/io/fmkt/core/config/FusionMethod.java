package io.fmkt.core.config;

import io.fmkt.core.names.Labels;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a receiver fuses a received model with its own. Here, beside the config, rather than in
 * {@code train}: the config names the method, and {@code train.Fusion} maps it to a strategy.
 */
public enum FusionMethod {
    /** Mutual distillation with logit KD plus the selected stages' feature maps: the method. */
    FMKT,
    /** Parameter averaging: the baseline. */
    AVERAGE;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static FusionMethod parse(String s) {
        return Labels.parse(FusionMethod.class, s, "fusion method");
    }

    /** As written in the config and on the command line. */
    @JsonValue
    public String label() {
        return Labels.of(this);
    }
}
