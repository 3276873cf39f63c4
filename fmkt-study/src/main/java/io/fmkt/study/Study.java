package io.fmkt.study;

import io.fmkt.core.results.RoundSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layer-wise FM-kt study: every (setting, segment, seed) run of a preset, skipping those already
 * finished in {@code out}, then the table, CSVs and one convergence figure per segment.
 */
public final class Study {
    private Study() {
    }

    public static StudyReport run(StudyPreset preset, int seeds, Path out, StudyExecutor executor, PrintStream o)
            throws Exception {
        List<StudyRun> plan = preset.plan(seeds);
        StudyDirectory dir = new StudyDirectory(out);
        dir.removePartials();
        List<StudyRun> pending = new ArrayList<>();
        for (StudyRun r : plan) {
            if (!dir.isDone(r)) {
                pending.add(r);
            }
        }
        o.printf("fmkt study --preset %s: %d runs (%d settings x %d segments x %d seeds), %d finished earlier,"
                + " %d to run %s%n", preset.name(), plan.size(), StudySetting.GRID.size(), preset.rounds().size(),
                seeds, plan.size() - pending.size(), pending.size(), executor.mode());
        o.println("preset: " + preset.rationale());
        long start = System.nanoTime();
        int[] done = {0};
        executor.runAll(pending, (run, runId, result, wall) -> {
            dir.commit(run, new StudyDirectory.RunRecord(run.key(), runId, executor.mode(), wall), result,
                    "study " + preset.name() + ": " + run.key());
            done[0]++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / done[0] * (pending.size() - done[0]);
            RoundSummary last = result.rounds().get(result.rounds().size() - 1);
            o.printf(Locale.ROOT, "[%d/%d] %-22s final acc %6.2f %%  run %.0f s  elapsed %.0f s  eta %.0f s%n",
                    done[0], pending.size(), run.key(), last.accMean(), wall, elapsed, eta);
        });
        return report(preset, plan, dir, seeds);
    }

    /** The report of whatever runs have finished so far (a study still running, or cut short). */
    public static StudyReport reportOnly(StudyPreset preset, int seeds, Path out) throws IOException {
        return report(preset, preset.plan(seeds), new StudyDirectory(out), seeds);
    }

    /** Writes study.md, study.csv, cost.csv and convergence-seg{k}.png from the finished runs. */
    static StudyReport report(StudyPreset preset, List<StudyRun> plan, StudyDirectory dir, int seeds)
            throws IOException {
        StudyReport report = StudyReport.load(dir, plan);
        Path out = dir.root();
        Files.writeString(out.resolve("study.csv"), report.csv());
        Files.writeString(out.resolve("cost.csv"), report.costCsv());
        for (int k : report.segments()) {
            report.plot(k, out.resolve("convergence-seg" + k + ".png"), String.format(Locale.ROOT,
                    "FM-kt study (%s preset), segment %d: global accuracy, mean ± std over %d seeds", preset.name(),
                    k, seeds));
        }
        Files.writeString(out.resolve("study.md"), "# FM-kt layer study, preset " + preset.name() + "\n\n"
                + "Global accuracy (%) at the final round, mean ± sample std over seeds; fusion cost in seconds per"
                + " fused pair (both segments) and its ratio to logit-only distillation.\n\n" + report.markdown());
        return report;
    }
}
