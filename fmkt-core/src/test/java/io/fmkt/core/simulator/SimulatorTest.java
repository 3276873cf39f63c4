package io.fmkt.core.simulator;

import io.fmkt.core.results.ResultTables;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.RunResult;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.ExperimentData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

public class SimulatorTest {

    public static ExperimentConfig tiny(int rounds, double lr, String layers) {
        return ExperimentConfig.builder().rounds(rounds).testCap(200).width(2).seed(3).batchSize(32).learningRate(lr)
                .fusionLearningRate(lr).layers(layers).probeImages(8).syntheticTrainPerBatch(40).syntheticTest(200).build();
    }

    @Test
    void sameSeedGivesIdenticalRoundsCsv() throws Exception {
        ExperimentConfig c = tiny(2, 0.05, "3");
        ExperimentData data = ExperimentData.load(c);
        String first = ResultTables.roundsCsv(Simulator.run(c, data, r -> { }));
        String second = ResultTables.roundsCsv(Simulator.run(c, ExperimentData.load(c), r -> { }));
        assertThat(second).isEqualTo(first);
        assertThat(first.lines()).hasSize(3).first().isEqualTo(ResultTables.ROUNDS_HEADER);
    }

    /**
     * Scores computed on the scoring thread, from copies and while the next round trains, are the ones
     * an in-line evaluation gives; with more clients than copies may wait (12 > 8), the simulator
     * waits instead of holding them all.
     */
    @Test
    void backgroundScoresEqualInLineEvaluation() throws Exception {
        ExperimentConfig c = tiny(2, 0.05, "3").toBuilder().clients(12).pairs(1).build();
        ExperimentData data = ExperimentData.load(c);
        List<RoundSummary> rounds = Simulator.run(c, data, r -> { });
        java.util.Set<Integer> touched = new java.util.HashSet<>();
        for (int r = 1; r <= 2; r++) {
            for (io.fmkt.core.schedule.PeerPair p : PeerSchedule.pairs(c.schedule().seed(), r, 12, 1)) {
                touched.add(p.updater());
                touched.add(p.receiver());
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 12; i++) {
                if (touched.contains(i)) {
                    continue;
                }
                try (ResNetModel initial = ResNetModel.initialised(m, c.width(), 10,
                        ResNetModel.initSeed(c.schedule().seed(), i))) {
                    double inLine = Evaluator.evaluate(initial, data.test(), Evaluator.DEFAULT_BATCH).percent();
                    assertThat(rounds.get(0).perClient()[i]).as("client %d, round 1", i).isEqualTo(inLine);
                    assertThat(rounds.get(1).perClient()[i]).as("client %d, round 2", i).isEqualTo(inLine);
                }
            }
        }
        assertThat(touched.size()).isLessThan(12);
    }

    /** A process whose kernels fail their check refuses the run before it trains anything. */
    @Test
    void aRunIsRefusedBeforeTrainingWhenTheKernelsGiveAWrongAnswer() throws Exception {
        ExperimentConfig c = tiny(1, 0.05, "3").toBuilder().batchSize(24).build(); // a check of its own
        ExperimentData data = ExperimentData.load(c);
        List<RoundSummary> seen = new ArrayList<>();
        System.setProperty(io.fmkt.core.numerics.KernelCheck.FAULT_PROPERTY, "wrong-gradient");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulator.run(c, data, seen::add))
                    .isInstanceOf(io.fmkt.core.numerics.KernelCheck.FailedException.class)
                    .hasMessageContaining("convolutions give wrong answers on this processor");
        } finally {
            System.clearProperty(io.fmkt.core.numerics.KernelCheck.FAULT_PROPERTY);
        }
        assertThat(seen).isEmpty();
    }

    /**
     * Same seed, same numbers, even while another thread keeps the garbage collector (and the cleaners
     * of direct buffers) busy, as a service's Kafka threads or a busy neighbour do. Before
     * {@link io.fmkt.core.numerics.Scalars}, a collection between a fusion step's forward and backward
     * freed the loss constants autograd still needed, and this run came out different.
     */
    @Test
    void sameSeedGivesTheSameRunWhileAnotherThreadKeepsTheCollectorBusy() throws Exception {
        ExperimentConfig c = tiny(2, 0.05, "all").toBuilder().norm("l2").build();
        ExperimentData data = ExperimentData.load(c);
        String quiet = fingerprint(Simulator.run(c, data, r -> { }));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong collections = new AtomicLong();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                java.nio.ByteBuffer.allocateDirect(64); // garbage whose memory a cleaner frees
                System.gc();
                collections.incrementAndGet();
            }
        }, "gc-churn");
        churn.setDaemon(true);
        churn.start();
        String busy;
        try {
            busy = fingerprint(Simulator.run(c, data, r -> { }));
        } finally {
            stop.set(true);
            churn.join();
        }
        assertThat(collections.get()).as("collections during the run").isGreaterThan(10);
        assertThat(busy).isEqualTo(quiet);
    }

    /** Every client's accuracy and every pair's losses, to the last bit. */
    private static String fingerprint(List<RoundSummary> rounds) {
        StringBuilder b = new StringBuilder();
        for (RoundSummary r : rounds) {
            b.append(r.round()).append(java.util.Arrays.toString(r.perClient())).append('\n');
            for (var p : r.pairs()) {
                b.append(p.updater()).append("->").append(p.receiver()).append(' ').append(p.local().meanLoss());
                if (p.fusion() != null) {
                    var l = p.fusion().losses();
                    b.append(' ').append(l.lossALast()).append(' ').append(l.lossBLast()).append(' ').append(l.kd());
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void eachRoundFollowsTheScheduleAndRescoresOnlyChangedModels() throws Exception {
        ExperimentConfig c = tiny(3, 0.05, "all");
        ExperimentData data = ExperimentData.load(c);
        List<RoundSummary> rounds = new ArrayList<>();
        Simulator.run(c, data, rounds::add);
        assertThat(rounds).hasSize(3);
        double[] prev = null;
        for (RoundSummary r : rounds) {
            var pair = PeerSchedule.pairs(c.schedule().seed(), r.round(), c.data().clients(),
                    c.schedule().pairs()).get(0);
            assertThat(r.pairs()).singleElement().satisfies(p -> {
                assertThat(p.updater()).isEqualTo(pair.updater());
                assertThat(p.receiver()).isEqualTo(pair.receiver());
                assertThat(p.fused()).isTrue();
            });
            if (prev != null) {
                for (int i = 0; i < c.data().clients(); i++) {
                    if (i != pair.updater() && i != pair.receiver()) {
                        assertThat(r.perClient()[i]).as("client %d untouched in round %d", i, r.round())
                                .isEqualTo(prev[i]);
                    }
                }
            }
            prev = r.perClient();
        }
        // Clients never scheduled keep their initial model: the cached score equals a fresh one.
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < c.data().clients(); i++) {
                final int client = i;
                boolean touched = rounds.stream().flatMap(r -> r.pairs().stream())
                        .anyMatch(p -> p.updater() == client || p.receiver() == client);
                if (!touched) {
                    try (ResNetModel init = ResNetModel.initialised(m, c.width(), 10,
                            ResNetModel.initSeed(c.schedule().seed(), i))) {
                        assertThat(rounds.get(2).perClient()[i])
                                .isEqualTo(Evaluator.evaluate(init, data.test(), 256).percent());
                    }
                }
            }
        }
    }

    @Test
    void summaryStatisticsArePopulationStatisticsOverClients() {
        RoundSummary s = RoundSummary.of(1, new double[] {10, 20, 30, 40}, List.of(), 0, 0, 0);
        assertThat(s.accMean()).isEqualTo(25);
        assertThat(s.accMin()).isEqualTo(10);
        assertThat(s.accMax()).isEqualTo(40);
        assertThat(s.accStd()).isCloseTo(Math.sqrt(125), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aDivergedUpdateIsSkippedAndNoModelChanges() throws Exception {
        ExperimentConfig c = tiny(2, 1e30, "3");
        ExperimentData data = ExperimentData.load(c);
        List<RoundSummary> rounds = Simulator.run(c, data, r -> { });
        double[] initial = rounds.get(0).perClient();
        for (RoundSummary r : rounds) {
            assertThat(r.pairs()).allSatisfy(p -> {
                assertThat(p.fused()).isFalse();
                assertThat(p.skipped()).startsWith("updater failed: non-finite");
            });
            assertThat(r.perClient()).containsExactly(initial);
        }
        assertThat(ResultTables.pairsCsv(RunResult.of(c, rounds))).contains(",skipped,").contains("non-finite");
    }
}
