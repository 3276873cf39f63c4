package io.fmkt.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The one writer of a run directory, for every mode ({@code simulate}, {@code run}, {@code study},
 * {@code replay}): {@code rounds.csv}, {@code pairs.csv} (both deterministic, see
 * {@link ResultTables}), {@code timings.csv} (wall-clock), {@code config.json} and {@code accuracy.png}.
 */
public final class RunOutputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunOutputs() {
    }

    public static void write(Path dir, RunResult result, String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rounds.csv"), ResultTables.roundsCsv(result.rounds()));
        Files.writeString(dir.resolve("pairs.csv"), ResultTables.pairsCsv(result));
        Files.writeString(dir.resolve("timings.csv"), ResultTables.timingsCsv(result));
        JSON.writeValue(dir.resolve("config.json").toFile(), result.config());
        plot(dir.resolve("accuracy.png"), result.rounds(), title);
    }

    public static ExperimentConfig readConfig(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ExperimentConfig.class);
    }

    /** Global accuracy per round: mean with min-max band. */
    static void plot(Path png, List<RoundSummary> rounds, String title) throws IOException {
        XYChart chart = Charts.xy(800, 500, title, "global accuracy (%)");
        chart.getStyler().setMarkerSize(5);
        double[] x = rounds.stream().mapToDouble(RoundSummary::round).toArray();
        double[] mean = rounds.stream().mapToDouble(RoundSummary::accMean).toArray();
        double[] min = rounds.stream().mapToDouble(RoundSummary::accMin).toArray();
        double[] max = rounds.stream().mapToDouble(RoundSummary::accMax).toArray();
        chart.addSeries("max", x, max).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries("mean", x, mean);
        chart.addSeries("min", x, min).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        Charts.save(chart, png);
    }
}
