package io.fmkt.core.wire;

import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.config.DataConfig;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionConfig;
import io.fmkt.core.config.FusionMethod;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.config.ScheduleConfig;
import io.fmkt.core.config.TrainingConfig;
import io.fmkt.core.train.FusionLosses;
import java.time.Instant;
import java.util.List;

/** One valid instance of every message, with awkward values where they could break a round trip. */
final class Samples {
    static final String RUN = "run-20261126-142233-s1-ab12";
    static final String SHA_A = "a".repeat(64);
    static final String SHA_B = "0123456789abcdef".repeat(4);
    static final Instant AT = Instant.parse("2026-11-26T14:22:33.123456789Z");

    private Samples() {
    }

    static BlobRef blob(String name, String sha) {
        return new BlobRef("runs/" + RUN + "/models/" + name, sha, 1_234_567L);
    }

    /** Defaults with doubles that do not survive a careless text round trip, and a seed beyond 2^53. */
    static ExperimentConfig config() {
        return new ExperimentConfig(new DataConfig("synthetic", null, 10, "segment:8", 500, 0, 32, 400, 1000), 16,
                new TrainingConfig(1, 64, 0.1 + 0.2, 0.9, 5e-4, 0.0, true),
                new FusionConfig(FusionMethod.FMKT, 2, 0.05, new StageSelection(new int[] {1, 3}),
                        new double[] {1, Math.PI, Double.MIN_VALUE, -0.0}, FeatureNorm.L2, 3, 1e-300, 1.0 / 3,
                        KeepPolicy.BEST, 0.1),
                new ScheduleConfig(100, 3, 9_007_199_254_740_993L), Numerics.PORTABLE);
    }

    static RunStarted runStarted() {
        return new RunStarted(RUN, config(), AT.toString(), "run-parent", "run-original");
    }

    static ModelPublished modelPublished() {
        return new ModelPublished(RUN, 7, 3, ModelPublished.Role.UPDATER, blob("w", SHA_A), blob("f", SHA_B), 16, 10,
                2.302585092994046, 3_200L, 12.75, 1_764_500_000_123L);
    }

    static FusionRequested fusionRequested() {
        return new FusionRequested(RUN, 7, 3, 5, blob("w3", SHA_A), blob("w5", SHA_B));
    }

    static FusionCompleted fusionCompleted() {
        return new FusionCompleted(RUN, 7, 3, 5, FusionCompleted.Status.FUSED, FusionCompleted.Kept.RECEIVED,
                blob("fused", SHA_A), null,
                new FusionLosses(2.5, 1.25, 2.75, 1.5, 0.9, 0.1 + 0.2, new double[] {0.5, 1e-9},
                        new double[] {0.25, Double.MIN_NORMAL}),
                new double[] {41.5, 43.25}, 40, 5_120L, 3.5, null, 1_764_500_000_456L, "fusion-service-1");
    }

    /** A diverged fusion: non-finite losses must survive the wire (they are the evidence). */
    static FusionCompleted fusionFailed() {
        return new FusionCompleted(RUN, 8, 1, 0, FusionCompleted.Status.FAILED, FusionCompleted.Kept.OWN, null, null,
                new FusionLosses(2.5, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        -0.0, new double[0], new double[0]),
                null, 3, 384L, 0.25, "non-finite fusion loss at epoch 0 step 3 (L_a=NaN)", null, null);
    }

    static PairSkipped pairSkipped() {
        return new PairSkipped(RUN, 7, 2, 9, "updater failed: non-finite loss at step 12");
    }

    static RoundEvaluated roundEvaluated() {
        return RoundEvaluated.of(RUN, 7, new double[] {10.0, 37.46, 100.0}, new String[] {SHA_A, SHA_B, SHA_A},
                new double[] {0.99, 0.8, Double.NaN, 0.1}, 10_000, AT);
    }

    static DeadLetter deadLetter() {
        return DeadLetter.of(Topics.MODELS, 4, 123_456_789_012L, RUN + "/3",
                "{\"schema\":2, \"text\":\"\u00e9\u4e2d\ud83d\ude00\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new WireException(WireException.Reason.UNSUPPORTED_SCHEMA, "schema", "schema version 2 is not supported"),
                AT);
    }

    static RunResumed runResumed() {
        return RunResumed.of(runStarted(), 4, AT.plusSeconds(60));
    }

    static List<WireMessage> all() {
        return List.of(runStarted(), runResumed(), modelPublished(), fusionRequested(), fusionCompleted(), fusionFailed(),
                pairSkipped(), roundEvaluated(), deadLetter());
    }
}
