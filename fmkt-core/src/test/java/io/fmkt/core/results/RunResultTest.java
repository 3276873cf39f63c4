package io.fmkt.core.results;

import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.simulator.SimulatorTest;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two ways a run's results are assembled give the same files: from the simulator's rounds, and
 * from the messages the services log (in any order, with redeliveries). The end-to-end check on real
 * services is EndToEndTest in fmkt-cli.
 */
class RunResultTest {
    private static final String RUN = "run-result-test";
    private static final BlobRef BLOB = new BlobRef("runs/" + RUN + "/models/m", "a".repeat(64), 1);

    @Test
    void theLoggedMessagesOfASimulatedRunGiveTheSimulatorsPairsAndRoundsCsv() throws Exception {
        ExperimentConfig c = SimulatorTest.tiny(3, 0.05, "3").toBuilder().clients(6).pairs(3).build();
        RunResult simulated = RunResult.of(c, Simulator.run(c, ExperimentData.load(c), r -> { }));

        RunResult logged = RunResult.ofLog(c, evaluated(simulated), shuffledWithRedeliveries(simulated),
                updates(simulated));

        assertThat(ResultTables.pairsCsv(logged)).isEqualTo(ResultTables.pairsCsv(simulated));
        assertThat(ResultTables.roundsCsv(logged.rounds())).isEqualTo(ResultTables.roundsCsv(simulated.rounds()));
        assertThat(ResultTables.pairsCsv(logged).lines()).hasSize(1 + 3 * 3);
    }

    @Test
    void aSkippedPairReadsTheSameFromTheLog() throws Exception {
        ExperimentConfig c = SimulatorTest.tiny(2, 1e30, "3"); // every local update diverges
        RunResult simulated = RunResult.of(c, Simulator.run(c, ExperimentData.load(c), r -> { }));
        List<WireMessage> skips = scheduled(simulated).stream().map(s -> (WireMessage) new PairSkipped(RUN,
                s.round(), s.pair().updater(), s.pair().receiver(), s.pair().skipped())).toList();
        RunResult logged = RunResult.ofLog(c, evaluated(simulated), skips, List.of());
        assertThat(ResultTables.pairsCsv(logged)).isEqualTo(ResultTables.pairsCsv(simulated)).contains(",skipped,,,");
    }

    @Test
    void timingsAreKeptOutOfPairsCsv() throws Exception {
        ExperimentConfig c = SimulatorTest.tiny(1, 0.05, "3");
        RunResult r = RunResult.of(c, Simulator.run(c, ExperimentData.load(c), x -> { }));
        assertThat(ResultTables.pairsCsv(r).lines().findFirst().orElseThrow()).doesNotContain("seconds");
        assertThat(ResultTables.timingsCsv(r)).startsWith(ResultTables.TIMINGS_HEADER + "\n1,");
    }

    private static List<RoundEvaluated> evaluated(RunResult sim) {
        List<RoundEvaluated> out = new ArrayList<>();
        for (RoundSummary r : sim.rounds()) {
            String[] digests = Collections.nCopies(r.perClient().length, "b".repeat(64)).toArray(String[]::new);
            out.add(RoundEvaluated.of(RUN, r.round(), r.perClient(), digests, null, 200, Instant.EPOCH));
        }
        Collections.reverse(out);
        return out;
    }

    /** The fusions in reverse order, each announced twice (a redelivery after a crash). */
    private static List<WireMessage> shuffledWithRedeliveries(RunResult sim) {
        List<WireMessage> out = new ArrayList<>();
        for (Scheduled s : scheduled(sim)) {
            PairOutcome p = s.pair();
            FusionCompleted f = FusionCompleted.of(RUN, s.round(), new PeerPair(p.updater(), p.receiver()), p.fusion(),
                    p.fusion().ok() ? BLOB : null, null, null);
            out.add(f);
            out.add(f);
        }
        Collections.reverse(out);
        return out;
    }

    private static List<ModelPublished> updates(RunResult sim) {
        return scheduled(sim).stream().map(s -> ModelPublished.trained(RUN, s.round(), s.pair().updater(), BLOB, null,
                2, 10, s.pair().local(), null)).toList();
    }

    private record Scheduled(int round, PairOutcome pair) {
    }

    private static List<Scheduled> scheduled(RunResult sim) {
        return sim.rounds().stream().flatMap(r -> r.pairs().stream().map(p -> new Scheduled(r.round(), p))).toList();
    }
}
