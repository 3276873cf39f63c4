package io.fmkt.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which of the two mutually distilled models the receiver keeps as its new current model. */
public enum KeepPolicy {
    /** The received (updater's) model after distillation: Def-KT's choice. */
    RECEIVED,
    /** The receiver's own model after distillation. */
    OWN,
    /** Whichever of the two scores higher on a held-out slice of the receiver's data. */
    BEST;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static KeepPolicy parse(String s) {
        for (KeepPolicy k : values()) {
            if (k.name().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown keep policy '" + s + "' (expected received, own or best)");
    }

    /** As written in the config and on the command line. */
    @JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
