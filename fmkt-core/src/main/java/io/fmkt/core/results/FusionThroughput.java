package io.fmkt.core.results;

import io.fmkt.core.wire.FusionCompleted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How fast a run's fusions went, from their announcements ({@link FusionCompleted}, fused or failed: a
 * skipped pair did no fusion). Per worker, pairs and images per second of fusion compute, on the worker's
 * own timer ({@code seconds}): the figures fusion-service's counters give by run and worker
 * ({@code fmkt.fusion.pairs}, {@code .samples}, {@code .seconds}), so the run page and the dashboard can
 * be compared. Over the run, pairs per second of wall clock from the first fusion's start to the last
 * one's end: what workers in parallel add up to.
 *
 * @param workers            by worker name, sorted; {@link #UNNAMED} for announcements that name none
 * @param pairs              fusions announced
 * @param wallSeconds        first start to last end, over the fusions that carry their start; 0 if none does
 * @param pairsPerWallSecond {@code pairs / wallSeconds}, 0 when there is no span
 */
public record FusionThroughput(List<Worker> workers, int pairs, double wallSeconds, double pairsPerWallSecond) {
    public static final String UNNAMED = "unnamed";

    /** One worker's fusions of the run; the rates are 0 while it has no fusion time. */
    public record Worker(String worker, int pairs, long images, double seconds, double pairsPerSecond,
            double samplesPerSecond) {
        static Worker of(String worker, int pairs, long images, double seconds) {
            return new Worker(worker, pairs, images, seconds, seconds > 0 ? pairs / seconds : 0,
                    seconds > 0 ? images / seconds : 0);
        }
    }

    public FusionThroughput {
        workers = List.copyOf(workers);
    }

    /** From a run's announced fusions, each pair once (the first announcement, as the ledger keeps it). */
    public static FusionThroughput of(Collection<FusionCompleted> fusions) {
        Map<String, long[]> counts = new TreeMap<>(); // worker -> {pairs, images}
        Map<String, Double> seconds = new TreeMap<>();
        long first = Long.MAX_VALUE;
        double last = Double.NEGATIVE_INFINITY;
        for (FusionCompleted f : fusions) {
            String w = f.worker() == null ? UNNAMED : f.worker();
            long[] c = counts.computeIfAbsent(w, k -> new long[2]);
            c[0]++;
            c[1] += f.images();
            seconds.merge(w, f.seconds(), Double::sum);
            if (f.startedAtMillis() != null) {
                first = Math.min(first, f.startedAtMillis());
                last = Math.max(last, f.startedAtMillis() + f.seconds() * 1000);
            }
        }
        List<Worker> workers = new ArrayList<>();
        counts.forEach((w, c) -> workers.add(Worker.of(w, (int) c[0], c[1], seconds.get(w))));
        double wall = first == Long.MAX_VALUE ? 0 : (last - first) / 1000;
        return new FusionThroughput(workers, fusions.size(), wall, wall > 0 ? fusions.size() / wall : 0);
    }
}
