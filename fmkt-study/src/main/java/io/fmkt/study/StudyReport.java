package io.fmkt.study;

import io.fmkt.core.train.ClientStats;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's result: per (setting, segment), global accuracy per round as mean and sample std
 * over seeds, and the fusion cost. Global accuracy of a run at a round is the mean over its
 * clients (rounds.csv's acc_mean); the spread shown is across seeds, the study's noise.
 */
public final class StudyReport {
    private static final Color[] COLORS = {
        new Color(0x44, 0x44, 0x44), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
        new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0xff, 0x7f, 0x0e),
        new Color(0x8c, 0x56, 0x4b)};

    /**
     * One table cell, filled as its runs are read.
     *
     * @param acc           per seed, per round (index 0 = round 1)
     * @param fusionSeconds every fused pair's time
     * @param runSeconds    each finished run's wall time
     */
    public record Cell(StudySetting setting, int segment, List<Long> seeds, List<double[]> acc,
            List<Double> fusionSeconds, List<Double> runSeconds) {

        public double wallSeconds() {
            return runSeconds.stream().mapToDouble(Double::doubleValue).sum();
        }

        public int rounds() {
            return acc.isEmpty() ? 0 : acc.get(0).length;
        }

        /** Mean over seeds at round r (1-based). */
        public double mean(int r) {
            return acc.stream().mapToDouble(a -> a[r - 1]).average().orElse(Double.NaN);
        }

        /** Sample standard deviation over seeds at round r (NaN with one seed). */
        public double std(int r) {
            int n = acc.size();
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean(r);
            double ss = acc.stream().mapToDouble(a -> (a[r - 1] - m) * (a[r - 1] - m)).sum();
            return Math.sqrt(ss / (n - 1));
        }

        public double secondsPerFusion() {
            return fusionSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    private final Map<String, Cell> cells;
    private final List<Integer> segments;
    private final Map<Integer, Integer> rounds;

    private StudyReport(Map<String, Cell> cells, List<Integer> segments, Map<Integer, Integer> rounds) {
        this.cells = cells;
        this.segments = segments;
        this.rounds = rounds;
    }

    /** Reads the finished runs of {@code plan}; runs not finished yet are left out of their cell. */
    public static StudyReport load(StudyDirectory dir, List<StudyRun> plan) throws IOException {
        Map<String, Cell> cells = new LinkedHashMap<>();
        Map<Integer, Integer> rounds = new LinkedHashMap<>(); // segments in the preset's order
        for (StudyRun run : plan) {
            rounds.put(run.segment(), run.config().schedule().rounds());
            Cell c = cells.computeIfAbsent(key(run.setting(), run.segment()), k -> new Cell(run.setting(),
                    run.segment(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            if (!dir.isDone(run)) {
                continue;
            }
            Path d = dir.dir(run);
            double[] acc = column(Files.readAllLines(d.resolve("rounds.csv")), "acc_mean", null);
            if (acc.length != run.config().schedule().rounds()) {
                throw new IOException(d.resolve("rounds.csv") + " has " + acc.length + " rounds, expected "
                        + run.config().schedule().rounds());
            }
            c.seeds().add(run.seed());
            c.acc().add(acc);
            // Timings moved from pairs.csv to timings.csv (issue 12); runs written before still read.
            Path timings = Files.exists(d.resolve("timings.csv")) ? d.resolve("timings.csv") : d.resolve("pairs.csv");
            for (double s : column(Files.readAllLines(timings), "fusion_seconds", "fused")) {
                c.fusionSeconds().add(s);
            }
            c.runSeconds().add(dir.record(run).wallSeconds());
        }
        return new StudyReport(cells, List.copyOf(rounds.keySet()), rounds);
    }

    private static String key(StudySetting s, int segment) {
        return s.name() + "/" + segment;
    }

    /** A numeric column of one of our CSVs; with {@code status}, only rows whose status column equals it. */
    static double[] column(List<String> lines, String name, String status) {
        String[] header = lines.get(0).split(",");
        int col = Arrays.asList(header).indexOf(name);
        int statusCol = Arrays.asList(header).indexOf("status");
        if (col < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + lines.get(0));
        }
        List<Double> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", header.length); // the free-text reason is the last column
            if (status != null && !status.equals(f[statusCol])) {
                continue;
            }
            out.add(f[col].isEmpty() ? Double.NaN : Double.parseDouble(f[col]));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public Cell cell(StudySetting s, int segment) {
        return cells.get(key(s, segment));
    }

    public List<Integer> segments() {
        return segments;
    }

    /** Rounds shown in the table: a quarter, half, three quarters of the way, and the last. */
    static List<Integer> checkpoints(int rounds) {
        TreeSet<Integer> r = new TreeSet<>();
        for (int q = 1; q <= 4; q++) {
            r.add(Math.max(1, (int) Math.round(rounds * q / 4.0)));
        }
        return List.copyOf(r);
    }

    private static String pm(Cell c, int round) {
        if (c == null || c.acc().isEmpty()) {
            return "-";
        }
        double s = c.std(round);
        return Double.isNaN(s) ? String.format(Locale.ROOT, "%.2f", c.mean(round))
                : String.format(Locale.ROOT, "%.2f ± %.2f", c.mean(round), s);
    }

    /** The seed study's table shape plus cost: final-round accuracy per segment, seconds per fusion. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| layers |");
        for (int k : segments) {
            sb.append(" segment ").append(k).append(" (round ").append(roundsOf(k)).append(") |");
        }
        sb.append(" seeds | s / fusion | vs logit-only |\n|---|");
        sb.append("---:|".repeat(segments.size())).append("---:|---:|---:|\n");
        for (StudySetting s : StudySetting.GRID) {
            sb.append("| ").append(s.label()).append(" |");
            for (int k : segments) {
                sb.append(' ').append(pm(cell(s, k), roundsOf(k))).append(" |");
            }
            Cell c0 = cell(s, segments.get(0));
            sb.append(' ').append(c0 == null ? 0 : c0.seeds().size()).append(" | ");
            double cost = costOf(s);
            double ratio = cost / costOf(StudySetting.NONE);
            sb.append(Double.isNaN(cost) ? "- | - |\n" : String.format(Locale.ROOT, "%.3f | %s |%n", cost,
                    Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.3fx", ratio)));
        }
        for (int k : segments) {
            List<Integer> cp = checkpoints(roundsOf(k));
            sb.append("\nSegment ").append(k).append(", global accuracy (%) by round, mean ± std over seeds:\n\n| layers |");
            cp.forEach(r -> sb.append(" round ").append(r).append(" |"));
            sb.append("\n|---|").append("---:|".repeat(cp.size())).append('\n');
            for (StudySetting s : StudySetting.GRID) {
                sb.append("| ").append(s.label()).append(" |");
                for (int r : cp) {
                    sb.append(' ').append(pm(cell(s, k), r)).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Seconds per fused pair over both segments (NaN when no pair fused yet). */
    public double costOf(StudySetting s) {
        return segments.stream().map(k -> cell(s, k)).filter(c -> c != null)
                .flatMap(c -> c.fusionSeconds().stream()).mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }

    public int roundsOf(int segment) {
        return rounds.get(segment);
    }

    /** Long format: one row per setting, segment and round. */
    public String csv() {
        StringBuilder sb = new StringBuilder("setting,fusion,layers,segment,round,seeds,acc_mean,acc_std,acc_min_seed,"
                + "acc_max_seed\n");
        for (int k : segments) {
            for (StudySetting s : StudySetting.GRID) {
                Cell c = cell(s, k);
                for (int r = 1; c != null && r <= c.rounds(); r++) {
                    final int rr = r;
                    ClientStats st = ClientStats.of(c.acc().stream().mapToDouble(a -> a[rr - 1]).toArray());
                    sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%.4f,%s,%.4f,%.4f%n", s.name(),
                            s.fusion(), s.layers(), k, r, c.seeds().size(), c.mean(r),
                            Double.isNaN(c.std(r)) ? "" : String.format(Locale.ROOT, "%.4f", c.std(r)), st.min(),
                            st.max()));
                }
            }
        }
        return sb.toString();
    }

    /** Cost per setting: seconds per fused pair, ratio to logit-only, and the wall time of its runs. */
    public String costCsv() {
        StringBuilder sb = new StringBuilder("setting,segment,fusions,seconds_per_fusion,ratio_to_none,run_wall_seconds\n");
        for (int k : segments) {
            double none = cell(StudySetting.NONE, k).secondsPerFusion();
            for (StudySetting s : StudySetting.GRID) {
                Cell c = cell(s, k);
                sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.4f,%.1f%n", s.name(), k, c.fusionSeconds().size(),
                        c.secondsPerFusion(), c.secondsPerFusion() / none, c.wallSeconds()));
            }
        }
        return sb.toString();
    }

    /** Global accuracy vs round for every setting at one segment, mean line and shaded ± std band. */
    public void plot(int segment, Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1100).height(600).title(title).xAxisTitle("round")
                .yAxisTitle("global accuracy (%), mean over seeds").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (int i = 0; i < StudySetting.GRID.size(); i++) {
            StudySetting s = StudySetting.GRID.get(i);
            Cell c = cell(s, segment);
            if (c == null || c.acc().isEmpty()) {
                continue;
            }
            int n = c.rounds();
            double[] x = new double[n];
            double[] mean = new double[n];
            double[] bandX = new double[2 * n];
            double[] bandY = new double[2 * n];
            for (int r = 1; r <= n; r++) {
                x[r - 1] = r;
                mean[r - 1] = c.mean(r);
                double sd = Double.isNaN(c.std(r)) ? 0 : c.std(r);
                bandX[r - 1] = r;
                bandY[r - 1] = mean[r - 1] + sd;
                bandX[2 * n - r] = r;
                bandY[2 * n - r] = mean[r - 1] - sd;
            }
            Color col = COLORS[i % COLORS.length];
            if (c.acc().size() > 1) {
                XYSeries band = chart.addSeries(s.name() + " ±std", bandX, bandY);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 40));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            XYSeries line = chart.addSeries(s.label(), x, mean);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(col);
            line.setMarkerColor(col);
            line.setMarker(SeriesMarkers.CIRCLE);
            if (s.equals(StudySetting.NONE) || s.equals(StudySetting.AVERAGE)) {
                line.setLineStyle(new java.awt.BasicStroke(2.5f, java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            }
        }
        chart.getStyler().setMarkerSize(4);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
