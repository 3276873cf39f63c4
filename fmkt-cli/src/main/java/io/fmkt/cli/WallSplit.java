package io.fmkt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A distributed run's wall time split by what the system was doing at each instant: training
 * where an updater trained; fusion where a fusion ran and nobody trained; evaluation after the last
 * outcome (the only evaluation that holds a run up: clients move on as soon as a round's outcomes
 * are logged, while eval-service scores beside them); and the rest, where no step computed: initial
 * models, codecs, S3 and Kafka round trips, waiting. Times are seconds from the submission.
 */
record WallSplit(double wall, double training, double fusion, double evaluation, double rest) {

    /** A step's compute, [from, to] in seconds. */
    record Span(double from, double to) {
        Span {
            if (to < from) {
                throw new IllegalArgumentException("span ends (" + to + ") before it starts (" + from + ")");
            }
        }

        boolean covers(double t) {
            return from <= t && t <= to;
        }
    }

    static WallSplit of(double end, List<Span> training, List<Span> fusion, double lastOutcome) {
        TreeSet<Double> cuts = new TreeSet<>(List.of(0.0, end, Math.min(Math.max(lastOutcome, 0), end)));
        List<Span> all = new ArrayList<>(training);
        all.addAll(fusion);
        for (Span s : all) {
            cuts.add(Math.min(Math.max(s.from(), 0), end));
            cuts.add(Math.min(Math.max(s.to(), 0), end));
        }
        double t = 0;
        double f = 0;
        double e = 0;
        double rest = 0;
        Double from = null;
        for (double to : cuts) {
            if (from != null) {
                double mid = (from + to) / 2;
                double len = to - from;
                if (mid > lastOutcome) {
                    e += len;
                } else if (training.stream().anyMatch(s -> s.covers(mid))) {
                    t += len;
                } else if (fusion.stream().anyMatch(s -> s.covers(mid))) {
                    f += len;
                } else {
                    rest += len;
                }
            }
            from = to;
        }
        return new WallSplit(end, t, f, e, rest);
    }
}
