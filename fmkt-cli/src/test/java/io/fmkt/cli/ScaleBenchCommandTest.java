package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bench-scale's pieces that need no deployment: configs per N, metric parsing, memory, the goals. */
class ScaleBenchCommandTest {

    @Test
    void configsKeepTheTrainingImagesPerClientAsNGrows() {
        ScaleBenchCommand b = new ScaleBenchCommand();
        ExperimentConfig small = b.config(8);
        ExperimentConfig large = b.config(512);
        assertThat(small.data().clients()).isEqualTo(8);
        assertThat(large.schedule().pairs()).isEqualTo(4);
        assertThat(large.width()).isEqualTo(4);
        assertThat(large.schedule().rounds()).isEqualTo(3);
        assertThat(large.synthetic()).isTrue();
        assertThat(small.data().syntheticTrainPerBatch() * 5).isEqualTo(8 * 100);
        assertThat(large.data().syntheticTrainPerBatch() * 5).isEqualTo(512 * 100);
        b.imagesPerClient = 0;
        assertThat(b.config(512).data().syntheticTrainPerBatch()).isEqualTo(ExperimentConfig.builder().build()
                .data().syntheticTrainPerBatch());
    }

    @Test
    void readsARunsSampleFromPrometheusText() {
        String text = """
                # TYPE fmkt_eval_models_total counter
                fmkt_eval_models_total{run="other"} 3.0
                fmkt_eval_models_total{run="r-1"} 40.0
                fmkt_eval_duration_seconds_sum{run="r-1"} 12.5
                """;
        assertThat(ScaleBenchCommand.metric(text, "fmkt_eval_models_total", "r-1")).isEqualTo(40.0);
        assertThat(ScaleBenchCommand.metric(text, "fmkt_eval_duration_seconds_sum", "r-1")).isEqualTo(12.5);
        assertThat(ScaleBenchCommand.metric(text, "fmkt_eval_models_total", "absent")).isZero();
    }

    @Test
    void residentMemoryOfThisProcess() {
        long[] kib = ScaleBenchCommand.rss(ProcessHandle.current().pid());
        assertThat(kib[0]).isPositive();
        assertThat(kib[1]).isGreaterThanOrEqualTo(kib[0]);
    }

    @Test
    void goalsCompareTheSteadyRoundsFrom32ToTheLargestN() {
        List<ScaleBenchCommand.Round> rounds = List.of(
                new ScaleBenchCommand.Round(32, 1, 30, 10, 32, 100, 50),
                new ScaleBenchCommand.Round(32, 2, 10, 1, 8, 10, 13),
                new ScaleBenchCommand.Round(512, 1, 300, 100, 512, 1000, 530),
                new ScaleBenchCommand.Round(512, 2, 11, 2, 8, 10, 13));
        String goals = ScaleBenchCommand.goals(rounds, List.of());
        assertThat(goals).contains("wall time per round").contains("ratio 1.10  flat")
                .contains("evaluation time per round").contains("ratio 2.00  NOT flat")
                .contains("models evaluated per round");
        assertThat(ScaleBenchCommand.table(rounds, List.of())).contains("   512     2");
    }

    @Test
    void whatRoundOnesWindowScoredBeyondItsNModelsCountsInTheLaterRounds() {
        // N = 512: round 2 acted inside round 1 (its 8 models scored there: 520), round 3 alone.
        List<ScaleBenchCommand.Round> rounds = List.of(
                new ScaleBenchCommand.Round(512, 1, 32, 125, 520, 1000, 530),
                new ScaleBenchCommand.Round(512, 2, 0, 0.1, 0, 10, 13),
                new ScaleBenchCommand.Round(512, 3, 4, 1.9, 8, 10, 13));
        double[] e = ScaleBenchCommand.steadyEvaluation(rounds, 512);
        assertThat(e[1]).isEqualTo(8.0); // (0 + 8 + 8 ahead) / 2 rounds
        assertThat(e[0]).isCloseTo((2.0 + 8 * 2.0 / 8) / 2, org.assertj.core.api.Assertions.within(1e-9));
        // windows alone would say 4 models and 1.0 s a round: half of what a round scores
        assertThat(ScaleBenchCommand.steady(rounds, 512, r -> r.modelsEvaluated())).isEqualTo(4.0);
    }

    @Test
    void aRoundIsCompleteAtItsLastOutcomeOrThePreviousRoundsCompletionAndRoundOneAtTheLastInitialModel() {
        String run = "scale-rounds";
        io.fmkt.core.wire.BlobRef ref = new io.fmkt.core.wire.BlobRef("runs/" + run + "/models/" + "a".repeat(64)
                + ".fmktw", "a".repeat(64), 1);
        var initialA = io.fmkt.core.wire.ModelPublished.initial(run, 0, ref, null, 2, 10);
        var initialB = io.fmkt.core.wire.ModelPublished.initial(run, 1, ref, null, 2, 10);
        var skip1 = new io.fmkt.core.wire.PairSkipped(run, 1, 0, 1, "test");
        var skip2 = new io.fmkt.core.wire.PairSkipped(run, 2, 1, 0, "test");
        java.util.Map<io.fmkt.core.wire.WireMessage, Long> at = new java.util.IdentityHashMap<>();
        at.put(initialA, 1_500L);
        at.put(initialB, 9_000L); // the last initial model comes after round 1's pair is done
        at.put(skip1, 4_000L);
        at.put(skip2, 12_000L);
        RunClient.RunLog log = new RunClient.RunLog(java.util.List.of(), java.util.List.of(skip1, skip2),
                java.util.List.of(initialA, initialB), 0, at);
        double[] complete = ScaleBenchCommand.roundsComplete(log, 1_000L, 2);
        assertThat(complete).containsExactly(8.0, 8.0, 11.0);
    }
}
