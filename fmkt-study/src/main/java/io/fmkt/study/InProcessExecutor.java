package io.fmkt.study;

import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.CifarReader;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.train.ExperimentData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a study's runs one after another with the simulator, reading each data set once. */
public final class InProcessExecutor implements StudyExecutor {
    private final PrintStream progress;
    private final Map<String, CifarData> raw = new HashMap<>();

    public InProcessExecutor(PrintStream progress) {
        this.progress = progress;
    }

    @Override
    public String mode() {
        return "in-process";
    }

    @Override
    public void runAll(List<StudyRun> pending, Finished finished) throws Exception {
        for (StudyRun run : pending) {
            ExperimentConfig c = run.config();
            long start = System.nanoTime();
            String source = c.synthetic() ? "synthetic/" + c.schedule().seed() + "/"
                    + c.data().syntheticTrainPerBatch() + "/" + c.data().syntheticTest() : c.data().name();
            CifarData d = raw.get(source);
            if (d == null) {
                d = c.synthetic() ? SyntheticCifar.generate(c.schedule().seed(), c.data().syntheticTrainPerBatch(),
                        c.data().syntheticTest())
                        : CifarReader.read(Path.of(c.data().name()));
                raw.put(source, d);
            }
            List<RoundSummary> rounds = Simulator.run(c, ExperimentData.of(c, d),
                    r -> progress.println("  " + run.key() + "  " + ResultTables.progressLine(r, c.schedule().rounds())));
            finished.accept(run, run.key(), RunResult.of(c, rounds), (System.nanoTime() - start) / 1e9);
        }
    }
}
