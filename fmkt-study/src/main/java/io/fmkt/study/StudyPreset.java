package io.fmkt.study;

import io.fmkt.core.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed part of a study: every run shares {@code base} and differs only in the setting
 * (layers / fusion method), the partition {@code segment:k} and the seed.
 *
 * @param rounds       rounds per segment k, in table column order
 * @param defaultSeeds seeds 1..K when {@code --seeds} is not given
 * @param rationale    why these sizes (printed in the report)
 */
public record StudyPreset(String name, ExperimentConfig base, Map<Integer, Integer> rounds, int defaultSeeds,
        String rationale) {

    public StudyPreset {
        rounds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rounds));
    }

    /** The same study computed with {@code numerics} (recorded in every run's config). */
    public StudyPreset withNumerics(io.fmkt.core.numerics.Numerics numerics) {
        return new StudyPreset(name, base.toBuilder().numerics(numerics.label()).build(), rounds, defaultSeeds, rationale);
    }

    public static StudyPreset named(String name, String data) {
        return switch (name) {
            case "cpu" -> cpu(data);
            case "paper" -> paper(data);
            default -> throw new IllegalArgumentException("unknown study preset '" + name + "' (expected cpu or paper)");
        };
    }

    /**
     * Sized for two CPU cores and at most 90 minutes with two seeds: 7 settings x 2 segments x 2 seeds
     * = 28 runs of about 2 minutes. Training steps, not images, are what lift a from-scratch ResNet
     * off chance in so short a run, so the preset trades width and data for steps: width 8 (1.3x the
     * training and 1.5x the fusion throughput of width 16 here), batch 32 and 2 local epochs over 600
     * images per client. With 4 clients and Q = 2 every client updates or fuses every round, so 12
     * rounds give each client about 6 updates (~230 SGD steps) and 6 fusions.
     */
    public static StudyPreset cpu(String data) {
        ExperimentConfig base = ExperimentConfig.builder().data(data).clients(4).pairs(2).width(8)
                .perClientCap(600).testCap(1000).localEpochs(2).fusionEpochs(1).batchSize(32).build();
        return new StudyPreset("cpu", base, ordered(8, 12, 4, 12), 2,
                "width 8, 4 clients, Q = 2 (every client updates or fuses every round), 600 training images per"
                        + " client, batch 32, 2 local epochs and 1 fusion epoch, 12 rounds for both segments,"
                        + " 1,000 test images: 28 runs of about 2 minutes on 2 cores");
    }

    /**
     * The seed study's scale for a GPU cluster: standard ResNet-18 (w = 64), all 50,000 training
     * images over 10 clients, the full test set, 100 rounds for segment 8 and 50 for segment 4.
     */
    public static StudyPreset paper(String data) {
        ExperimentConfig base = ExperimentConfig.builder().data(data).clients(10).pairs(3).width(64)
                .perClientCap(0).testCap(0).localEpochs(1).fusionEpochs(1).batchSize(64).build();
        return new StudyPreset("paper", base, ordered(8, 100, 4, 50), 3,
                "width 64, 10 clients, Q = 3, all training data, full test set, 100 rounds (segment 8) and 50"
                        + " (segment 4), as in the seed study");
    }

    private static Map<Integer, Integer> ordered(int k1, int r1, int k2, int r2) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        m.put(k1, r1);
        m.put(k2, r2);
        return m;
    }

    /**
     * Every run of the grid, seed-major (all settings of seed 1 first), so a study cut short still
     * has a complete first seed.
     */
    public List<StudyRun> plan(int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        List<StudyRun> runs = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            for (Map.Entry<Integer, Integer> seg : rounds.entrySet()) {
                for (StudySetting s : StudySetting.GRID) {
                    ExperimentConfig c = s.apply(base.toBuilder().partition("segment:" + seg.getKey())
                            .rounds(seg.getValue()).seed(seed).build());
                    runs.add(new StudyRun(s, seg.getKey(), seed, c));
                }
            }
        }
        return runs;
    }
}
