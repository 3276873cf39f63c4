package io.fmkt.report;

import io.fmkt.core.protocol.ReplayComparison;
import io.fmkt.core.protocol.ReplayComparison.Row;
import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.XYChart;

/** {@code comparison.png}: a replay's mean accuracy beside its parent's, round by round. */
public final class ReplayPlot {
    private ReplayPlot() {
    }

    public static void save(ReplayComparison c, Path png) throws IOException {
        XYChart chart = Charts.xy(800, 500, c.replayId() + " vs " + c.parentRunId(), "mean global accuracy (%)");
        double[] x = c.rows().stream().mapToDouble(Row::round).toArray();
        chart.addSeries(c.parentRunId(), x, c.rows().stream().mapToDouble(Row::parentMean).toArray());
        chart.addSeries(c.replayId(), x, c.rows().stream().mapToDouble(Row::replayMean).toArray());
        Charts.save(chart, png);
    }
}
