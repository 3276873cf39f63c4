package io.fmkt.core.config;

import io.fmkt.core.names.Labels;
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
        return Labels.parse(KeepPolicy.class, s, "keep policy");
    }

    /** As written in the config and on the command line. */
    @JsonValue
    public String label() {
        return Labels.of(this);
    }
}
