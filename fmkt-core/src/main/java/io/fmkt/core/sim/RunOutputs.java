package io.fmkt.core.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fmkt.core.round.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The files a run leaves for a person and for scripts: {@code rounds.csv}, {@code pairs.csv},
 * {@code config.json} and {@code accuracy.png}. Numbers are printed with fixed precision and a fixed
 * locale, so two runs with the same seed give byte-identical CSVs.
 */
public final class RunOutputs {
    public static final String ROUNDS_HEADER = "round,acc_mean,acc_min,acc_max,acc_std";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunOutputs() {
    }

    public static String roundsCsv(List<RoundSummary> rounds) {
        StringBuilder sb = new StringBuilder(ROUNDS_HEADER).append('\n');
        for (RoundSummary r : rounds) {
            sb.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f%n", r.round(), r.accMean(), r.accMin(),
                    r.accMax(), r.accStd()));
        }
        return sb.toString();
    }

    public static String pairsCsv(List<RoundSummary> rounds) {
        StringBuilder sb = new StringBuilder(
                "round,updater,receiver,status,kept,local_loss,local_seconds,fusion_loss_a_first,fusion_loss_a_last,"
                        + "fusion_loss_b_first,fusion_loss_b_last,fm_first,fm_last,fusion_seconds,reason\n");
        for (RoundSummary r : rounds) {
            for (PairOutcome p : r.pairs()) {
                var f = p.fusion();
                String status = p.skipped() != null ? "skipped" : f.ok() ? "fused" : "failed";
                String reason = p.skipped() != null ? p.skipped() : f.ok() ? "" : f.failure();
                sb.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%.5f,%.3f,%s,%s,%s,%s,%s,%s,%s,\"%s\"%n",
                        r.round(), p.updater(), p.receiver(), status, f == null ? "" : f.kept().label(),
                        p.local().meanLoss(), p.local().seconds(),
                        num(f == null ? Double.NaN : f.losses().lossAFirst()),
                        num(f == null ? Double.NaN : f.losses().lossALast()),
                        num(f == null ? Double.NaN : f.losses().lossBFirst()),
                        num(f == null ? Double.NaN : f.losses().lossBLast()),
                        f == null ? "" : joined(f.losses().fmFirst()), f == null ? "" : joined(f.losses().fmLast()),
                        f == null ? "" : String.format(Locale.ROOT, "%.3f", f.seconds()),
                        reason.replace('"', '\'')));
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
    }

    private static String joined(double[] v) {
        return Arrays.stream(v).mapToObj(RunOutputs::num).collect(Collectors.joining(";"));
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

    /** Writes rounds.csv, pairs.csv (as given), config.json and accuracy.png. */
    public static void write(Path dir, ExperimentConfig config, List<RoundSummary> rounds, String pairsCsv,
            String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rounds.csv"), roundsCsv(rounds));
        Files.writeString(dir.resolve("pairs.csv"), pairsCsv);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        plot(dir.resolve("accuracy.png"), rounds, title);
    }

    public static ExperimentConfig readConfig(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ExperimentConfig.class);
    }

    /** Global accuracy per round: mean with min-max band. */
    static void plot(Path png, List<RoundSummary> rounds, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("round").yAxisTitle("global accuracy (%)").build();
        chart.getStyler().setMarkerSize(5);
        double[] x = rounds.stream().mapToDouble(RoundSummary::round).toArray();
        double[] mean = rounds.stream().mapToDouble(RoundSummary::accMean).toArray();
        double[] min = rounds.stream().mapToDouble(RoundSummary::accMin).toArray();
        double[] max = rounds.stream().mapToDouble(RoundSummary::accMax).toArray();
        chart.addSeries("max", x, max).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries("mean", x, mean);
        chart.addSeries("min", x, min).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
