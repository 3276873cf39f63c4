package io.fmkt.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

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
        for (FusionMethod m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fusion method '" + s + "' (expected "
                + Arrays.stream(values()).map(FusionMethod::label).collect(Collectors.joining(" or ")) + ")");
    }

    /** As written in the config and on the command line. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
