package io.fmkt.study;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionMethod;
import java.util.List;

/**
 * One row of the study's table: which stages FM-kt distils, or a baseline. {@code none} is
 * logit-only mutual distillation (Def-KT); {@code average} is parameter averaging.
 *
 * @param name   the row label and the run directory's prefix
 * @param layers the {@code --layers} value ({@code none} for both baselines)
 * @param fusion the config's {@code fusion} method name
 */
public record StudySetting(String name, String layers, String fusion) {

    public static final StudySetting NONE = new StudySetting("none", "none", FusionMethod.FMKT.label());
    public static final StudySetting AVERAGE = new StudySetting("average", "none", FusionMethod.AVERAGE.label());

    /** The grid in table order: logit-only, each stage, all stages, then averaging. */
    public static final List<StudySetting> GRID = List.of(NONE, fmkt("1"), fmkt("2"), fmkt("3"), fmkt("4"),
            fmkt("all"), AVERAGE);

    static StudySetting fmkt(String layers) {
        return new StudySetting(layers, layers, FusionMethod.FMKT.label());
    }

    public ExperimentConfig apply(ExperimentConfig base) {
        return base.toBuilder().layers(layers).fusion(fusion).build();
    }

    /** How the table names the row. */
    public String label() {
        return switch (name) {
            case "none" -> "none (logit-only, Def-KT)";
            case "average" -> "parameter averaging";
            case "all" -> "all (1-4)";
            default -> "stage " + name;
        };
    }
}
