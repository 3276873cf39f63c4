package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.PairResult;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.train.FusionLosses;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the evaluator keeps of a run's published rounds (scoring itself: ReplayTest, the services' tests). */
class RunScoringTest {
    static final ExperimentConfig CONFIG = ExperimentConfig.builder().rounds(5).clients(4).pairs(2).build();
    static final RunStarted RUN = RunStarted.of("run-scoring", CONFIG, Instant.EPOCH);

    static RoundEvaluated round(int r, double acc) {
        return RoundEvaluated.of(RUN.runId(), r, new double[] {acc, acc, acc, acc}, new String[] {"a".repeat(64),
                "b".repeat(64), "c".repeat(64), "d".repeat(64)}, null, 100, Instant.EPOCH);
    }

    @Test
    void recoveryKeepsThePublishedRoundsUpToTheFirstGapAndTheFirstCopyOfEach() {
        RunScoring s = new RunScoring(RUN, new ModelStore(new InMemoryObjectStore()));
        List<RoundMessage> logged = new ArrayList<>(List.of(round(2, 20), round(1, 10), round(1, 11), round(4, 40)));
        s.recover(logged);
        assertThat(s.evaluated()).extracting(RoundEvaluated::round).containsExactly(1, 2);
        assertThat(s.evaluated().get(0).accMean()).isEqualTo(10);
    }

    @Test
    void aRoundFromElsewhereIsTakenOnlyWhenItIsTheNextOne() {
        RunScoring s = new RunScoring(RUN, new ModelStore(new InMemoryObjectStore()));
        assertThat(s.accept(round(2, 20))).isFalse();
        assertThat(s.accept(round(1, 10))).isTrue();
        assertThat(s.accept(round(1, 10))).isFalse();
        assertThat(s.accept(round(2, 20))).isTrue();
        assertThat(s.evaluated()).extracting(RoundEvaluated::round).containsExactly(1, 2);
    }

    @Test
    void nothingIsScoredBeforeARoundIsComplete() {
        RunScoring s = new RunScoring(RUN, new ModelStore(new InMemoryObjectStore()));
        List<RunScoring.Scored> out = new ArrayList<>();
        s.evaluateComplete(null, Instant.EPOCH, out::add);
        assertThat(out).isEmpty();
        assertThat(s.evaluated()).isEmpty();
    }

    /** The run page's pair table: the first outcome per pair, in round and schedule order, and the fusions. */
    @Test
    void pairsAreTheFirstOutcomeOfEachPairInScheduleOrder() {
        RunScoring s = new RunScoring(RUN, new ModelStore(new InMemoryObjectStore()));
        List<PeerPair> r1 = PeerSchedule.pairs(CONFIG.schedule().seed(), 1, 4, 2);
        BlobRef fused = new BlobRef("runs/run-scoring/models/x", "e".repeat(64), 1);
        FusionCompleted second = new FusionCompleted(RUN.runId(), 1, r1.get(1).updater(), r1.get(1).receiver(),
                FusionCompleted.Status.FUSED, FusionCompleted.Kept.RECEIVED, fused, null, FusionLosses.NONE, null, 2,
                64, 0.5, null, 1_000L, "w-1");
        s.record(second); // the schedule's second pair reported first
        s.record(PairSkipped.of(RUN.runId(), 1, r1.get(0), "deadline: updater 10 min late"));
        s.record(second.withWorker("w-2")); // a redelivery from another worker: the first counts

        RunScoring.Pairs p = s.pairs();
        assertThat(p.results()).extracting(PairResult::receiver).containsExactly(r1.get(0).receiver(),
                r1.get(1).receiver());
        assertThat(p.results().get(0).status()).isEqualTo(PairResult.Status.SKIPPED);
        assertThat(p.results().get(0).reason()).isEqualTo("deadline: updater 10 min late");
        assertThat(p.results().get(1).status()).isEqualTo(PairResult.Status.FUSED);
        assertThat(p.fusions()).singleElement().extracting(FusionCompleted::worker).isEqualTo("w-1");
    }
}
