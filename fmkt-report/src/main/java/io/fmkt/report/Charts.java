package io.fmkt.report;

import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The charts' common frame (rounds on x) and their PNG encoding, headless so that servers and CI can plot. */
public final class Charts {
    private Charts() {
    }

    public static XYChart xy(int width, int height, String title, String yAxis) {
        System.setProperty("java.awt.headless", "true");
        return new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("round").yAxisTitle(yAxis)
                .build();
    }

    public static void save(XYChart chart, Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
