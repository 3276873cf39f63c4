package io.fmkt.core.results;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A run's results as text: {@code rounds.csv}, {@code pairs.csv}, {@code timings.csv}, the end-of-run
 * table and the progress line. Numbers are printed with fixed precision and a fixed locale, so two
 * runs with the same seed give byte-identical {@code rounds.csv} and {@code pairs.csv}, in-process or
 * on the services; only {@code timings.csv} holds wall-clock times. The files themselves are written
 * by fmkt-report's {@code RunOutputs}.
 */
public final class ResultTables {
    public static final String ROUNDS_HEADER = "round,acc_mean,acc_min,acc_max,acc_std";
    public static final String PAIRS_HEADER = "round,updater,receiver,status,kept,local_loss,fusion_loss_a_first,"
            + "fusion_loss_a_last,fusion_loss_b_first,fusion_loss_b_last,fm_first,fm_last,reason";
    public static final String TIMINGS_HEADER = "round,updater,receiver,status,local_seconds,fusion_seconds";

    private ResultTables() {
    }

    public static String roundsCsv(List<RoundSummary> rounds) {
        StringBuilder sb = new StringBuilder(ROUNDS_HEADER).append('\n');
        for (RoundSummary r : rounds) {
            sb.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f%n", r.round(), r.accMean(), r.accMin(),
                    r.accMax(), r.accStd()));
        }
        return sb.toString();
    }

    /**
     * One row per scheduled pair, deterministic: the same seed gives the same bytes from
     * {@code simulate} and {@code run}. Wall-clock times are in {@link #timingsCsv} instead.
     */
    public static String pairsCsv(RunResult result) {
        StringBuilder sb = new StringBuilder(PAIRS_HEADER).append('\n');
        for (PairResult p : result.pairs()) {
            var l = p.losses();
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"%n",
                    p.round(), p.updater(), p.receiver(), p.status().label(), p.kept() == null ? "" : p.kept(),
                    num(p.localLoss()), num(l.lossAFirst()), num(l.lossALast()), num(l.lossBFirst()),
                    num(l.lossBLast()), joined(l.fmFirst()), joined(l.fmLast()),
                    p.reason() == null ? "" : p.reason().replace('"', '\'')));
        }
        return sb.toString();
    }

    /** Each pair's wall-clock times (seconds): they differ from run to run, so they are kept out of pairs.csv. */
    public static String timingsCsv(RunResult result) {
        StringBuilder sb = new StringBuilder(TIMINGS_HEADER).append('\n');
        for (PairResult p : result.pairs()) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%s%n", p.round(), p.updater(), p.receiver(),
                    p.status().label(), seconds(p.localSeconds()), seconds(p.fusionSeconds())));
        }
        return sb.toString();
    }

    private static String seconds(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
    }

    private static String joined(double[] v) {
        return Arrays.stream(v).mapToObj(ResultTables::num).collect(Collectors.joining(";"));
    }

    /** The end-of-run table: one row per round. */
    public static String table(List<RoundSummary> rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%5s  %8s  %8s  %8s  %7s  %6s%n", "round", "mean %", "min %", "max %",
                "std", "fused"));
        for (RoundSummary r : rounds) {
            long fused = r.pairs().stream().filter(PairOutcome::fused).count();
            String pairs = r.pairs().isEmpty() ? "-" : fused + "/" + r.pairs().size();
            sb.append(String.format(Locale.ROOT, "%5d  %8.2f  %8.2f  %8.2f  %7.2f  %6s%n", r.round(), r.accMean(),
                    r.accMin(), r.accMax(), r.accStd(), pairs));
        }
        return sb.toString();
    }

    /** The per-round progress line. */
    public static String progressLine(RoundSummary r, int totalRounds) {
        long fused = r.pairs().stream().filter(PairOutcome::fused).count();
        return String.format(Locale.ROOT,
                "round %d/%d  acc %.2f %% (min %.2f, max %.2f)  fused %d/%d  local %.1f s  fusion %.1f s  eval %.1f s",
                r.round(), totalRounds, r.accMean(), r.accMin(), r.accMax(), fused, r.pairs().size(),
                r.localSeconds(), r.fusionSeconds(), r.evalSeconds());
    }
}
