package io.fmkt.study;

import io.fmkt.core.config.ExperimentConfig;

/** One cell of the grid for one seed: a complete experiment. */
public record StudyRun(StudySetting setting, int segment, long seed, ExperimentConfig config) {

    /** Directory name under {@code runs/}; stable across invocations, so a finished run is found again. */
    public String key() {
        return "seg" + segment + "-" + setting.name() + "-seed" + seed;
    }
}
