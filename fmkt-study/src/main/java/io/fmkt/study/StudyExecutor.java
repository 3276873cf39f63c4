package io.fmkt.study;

import io.fmkt.core.results.RunResult;
import java.io.IOException;
import java.util.List;

/** Where a study's runs execute: in this process (the simulator) or on the distributed services. */
public interface StudyExecutor {

    /** Receives each run as it finishes, in any order. */
    @FunctionalInterface
    interface Finished {
        void accept(StudyRun run, String runId, RunResult result, double wallSeconds)
                throws IOException;
    }

    /** {@code in-process} or {@code distributed}: recorded with every run. */
    String mode();

    /** Runs every run of {@code pending}; returns when all have been handed to {@code finished}. */
    void runAll(List<StudyRun> pending, Finished finished) throws Exception;
}
