package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The protocol's agents, fusion worker and scorer exchanging messages through a queue (standing in
 * for Kafka; the wiring has its own tests against a real broker) must reproduce the simulator's
 * numbers exactly, whatever order the messages arrive in.
 */
class ProtocolMatchesSimulatorTest {
    static ExperimentConfig config;
    static ExperimentData data;
    static List<RoundSummary> reference;

    @BeforeAll
    static void simulate() throws Exception {
        config = SimulatorTest.tiny(3, 0.05, "1,3");
        data = ExperimentData.load(config);
        reference = Simulator.run(config, data, r -> { });
    }

    record Outcome(List<RoundEvaluated> rounds, List<WireMessage> log, int scored) {
    }

    static Outcome runProtocol(long shuffleSeed) {
        return runProtocol(shuffleSeed, new InMemoryObjectStore(), "run-test", config, data);
    }

    static Outcome runProtocol(long shuffleSeed, InMemoryObjectStore objects, String run, ExperimentConfig config,
            ExperimentData data) {
        ModelStore store = new ModelStore(objects);
        Instant now = Instant.parse("2026-11-26T00:00:00Z");
        ClientAgent a = new ClientAgent(run, config, Set.of(0, 1), store, data, Duration.ofHours(1));
        ClientAgent b = new ClientAgent(run, config, Set.of(2, 3), store, data, Duration.ofHours(1));
        FusionWorker worker = new FusionWorker(store);
        RunLedger evalLedger = new RunLedger(run, config);
        RoundScorer scorer = new RoundScorer(store);
        List<RoundEvaluated> rounds = new ArrayList<>();
        List<WireMessage> log = new ArrayList<>();
        List<WireMessage> bus = new ArrayList<>(a.start(now));
        bus.addAll(b.start(now));
        Random order = new Random(shuffleSeed);
        java.util.Set<FusionRequested> redelivered = new java.util.HashSet<>();
        while (!bus.isEmpty()) {
            WireMessage m = bus.remove(shuffleSeed == 0 ? 0 : order.nextInt(bus.size()));
            log.add(m);
            if (m instanceof FusionRequested req) {
                bus.add(worker.fuse(req, config, data));
                if (redelivered.add(req)) {
                    bus.add(req); // a redelivery must change nothing
                }
                continue;
            }
            RoundMessage rm = (RoundMessage) m;
            bus.addAll(a.onEvent(rm, now));
            bus.addAll(b.onEvent(rm, now));
            int before = evalLedger.lastCompleteRound();
            if (evalLedger.record(rm)) {
                for (int r = Math.max(before + 1, 1); r <= evalLedger.lastCompleteRound(); r++) {
                    rounds.add(scorer.evaluate(evalLedger, r, data, now));
                }
            }
        }
        assertThat(a.finished()).isTrue();
        assertThat(b.finished()).isTrue();
        return new Outcome(rounds, log, scorer.modelsScored());
    }

    static void assertMatchesSimulator(List<RoundEvaluated> rounds) {
        assertThat(rounds).hasSize(reference.size());
        for (int i = 0; i < rounds.size(); i++) {
            RoundEvaluated got = rounds.get(i);
            RoundSummary want = reference.get(i);
            assertThat(got.round()).isEqualTo(want.round());
            assertThat(got.perClient()).as("round %d", want.round()).containsExactly(want.perClient());
            assertThat(got.accMean()).isEqualTo(want.accMean());
            assertThat(got.accStd()).isEqualTo(want.accStd());
            assertThat(got.cka()).hasSize(4);
        }
    }

    @Test
    void inOrderDeliveryReproducesTheSimulatorExactly() {
        Outcome o = runProtocol(0);
        assertMatchesSimulator(o.rounds());
        long fused = o.log().stream().filter(m -> m instanceof FusionCompleted f && f.ok()).count();
        long distinctFused = o.log().stream().filter(m -> m instanceof FusionCompleted f && f.ok())
                .map(m -> ((FusionCompleted) m).fused().sha256()).distinct().count();
        // each redelivered request produced a byte-identical model (same content address)
        assertThat(fused).isEqualTo(2L * config.schedule().rounds());
        assertThat(distinctFused).isEqualTo(config.schedule().rounds());
        // each distinct model was scored once, not every client every round
        long distinctScored = o.rounds().stream().flatMap(r -> java.util.Arrays.stream(r.modelDigests()))
                .distinct().count();
        assertThat(o.scored()).isEqualTo((int) distinctScored)
                .isLessThan(config.data().clients() * config.schedule().rounds());
        assertThat(o.log().stream().filter(m -> m instanceof PairSkipped)).isEmpty();
    }

    /**
     * Two pairs a round: the simulator fuses pair 1 on its fusion thread while pair 2's updater trains,
     * and scores a round beside the next; the protocol does every step one at a time, on one thread.
     */
    @Test
    void twoPairsARoundReproduceTheSimulatorsOverlappedSteps() throws Exception {
        ExperimentConfig two = SimulatorTest.tiny(2, 0.05, "3").toBuilder().pairs(2).build();
        ExperimentData d = ExperimentData.load(two);
        List<RoundSummary> simulated = Simulator.run(two, d, r -> { });
        List<RoundEvaluated> rounds = runProtocol(0, new InMemoryObjectStore(), "run-two-pairs", two, d).rounds();
        assertThat(rounds).hasSameSizeAs(simulated);
        for (int i = 0; i < rounds.size(); i++) {
            assertThat(RoundSummary.of(rounds.get(i)).perClient()).as("round %d", i + 1)
                    .containsExactly(simulated.get(i).perClient());
        }
        assertThat(simulated).allSatisfy(r -> assertThat(r.pairs()).hasSize(2).allMatch(p -> p.fused()));
    }

    @Test
    void shuffledDeliveryGivesTheSameNumbers() {
        assertMatchesSimulator(runProtocol(42).rounds());
    }

    @Test
    void aSilentUpdaterIsSkippedAfterTheDeadlineAndTheSkipIsLogged() {
        ModelStore store = new ModelStore(new InMemoryObjectStore());
        Instant t0 = Instant.parse("2026-11-26T00:00:00Z");
        var pair = new RunLedger("run-x", config).schedule(1).get(0);
        // only the receiver's host runs; the updater's host is down
        Set<Integer> hosted = new java.util.HashSet<>(Set.of(0, 1, 2, 3));
        hosted.remove(pair.updater());
        ClientAgent receiverHost = new ClientAgent("run-x", config, hosted, store, data, Duration.ofSeconds(30));
        ClientAgent other = new ClientAgent("run-x", config, Set.of(pair.updater()), store, data, Duration.ofSeconds(30));
        List<WireMessage> first = new ArrayList<>(receiverHost.start(t0));
        // the updater's initial model exists (published before it went silent)
        for (WireMessage m : other.start(t0)) {
            if (m instanceof ModelPublished mp && mp.round() == 0) {
                receiverHost.onEvent(mp, t0);
            }
        }
        assertThat(receiverHost.checkDeadlines(t0.plusSeconds(10))).isEmpty();
        List<WireMessage> late = receiverHost.checkDeadlines(t0.plusSeconds(31));
        assertThat(late).first().isInstanceOfSatisfying(PairSkipped.class, s -> {
            assertThat(s.round()).isEqualTo(1);
            assertThat(s.receiver()).isEqualTo(pair.receiver());
            assertThat(s.reason()).contains("updater " + pair.updater() + " published no model within 30 s");
        });
        assertThat(receiverHost.ledger().lastCompleteRound()).isEqualTo(1);
        assertThat(first).isNotEmpty();
    }

    /**
     * Both hosts die mid-run (once round 1 is complete and round 2's update is logged); new agents
     * rebuilt from the log alone finish the run with the simulator's numbers and redo nothing the
     * log already holds.
     */
    @Test
    void agentsRecoveredFromTheLogFinishAStoppedRunExactly() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        Outcome full = runProtocol(0, objects, "run-full", config, data);
        RunLedger atCut = new RunLedger("run-full", config);
        PeerPair second = atCut.schedule(2).get(0);
        int cut = 0;
        for (int i = 0; i < full.log().size(); i++) {
            if (full.log().get(i) instanceof RoundMessage rm && !(rm instanceof FusionRequested)) {
                atCut.record(rm);
            }
            if (atCut.lastCompleteRound() >= 1 && atCut.model(2, second.updater()) != null) {
                cut = i + 1; // round 1 is complete and round 2's update logged (its fusion may be, one round ahead)
                break;
            }
        }
        assertThat(cut).isPositive();
        assertThat(atCut.lastCompleteRound()).isEqualTo(1);
        ModelStore store = new ModelStore(objects);
        Instant now = Instant.parse("2026-11-26T01:00:00Z");
        List<RoundMessage> logged = new ArrayList<>();
        for (WireMessage m : full.log().subList(0, cut)) {
            if (m instanceof RoundMessage rm && !(m instanceof FusionRequested)) {
                logged.add(rm);
            }
        }
        ClientAgent a = new ClientAgent("run-full", config, Set.of(0, 1), store, data, Duration.ofHours(1));
        ClientAgent b = new ClientAgent("run-full", config, Set.of(2, 3), store, data, Duration.ofHours(1));
        a.recover(logged);
        b.recover(logged);
        assertThat(a.ledger().lastCompleteRound()).isEqualTo(1);
        FusionWorker worker = new FusionWorker(store);
        List<WireMessage> after = new ArrayList<>();
        List<WireMessage> bus = new ArrayList<>(a.start(now));
        bus.addAll(b.start(now));
        while (!bus.isEmpty()) {
            WireMessage m = bus.remove(0);
            after.add(m);
            if (m instanceof FusionRequested req) {
                bus.add(worker.fuse(req, config, data));
                continue;
            }
            bus.addAll(a.onEvent((RoundMessage) m, now));
            bus.addAll(b.onEvent((RoundMessage) m, now));
        }
        assertThat(a.finished()).isTrue();
        assertThat(b.finished()).isTrue();
        // nothing logged before the stop is produced again: no initial model, no round-1 or round-2 update
        assertThat(after).filteredOn(m -> m instanceof ModelPublished mp && mp.round() <= 2).isEmpty();
        assertThat(after).filteredOn(m -> m instanceof FusionRequested f && f.round() == 2)
                .hasSize(atCut.outcome(2, second.receiver()) == null ? 1 : 0);
        RunLedger ledger = new RunLedger("run-full", config);
        logged.forEach(ledger::record);
        after.stream().filter(m -> m instanceof RoundMessage).forEach(m -> ledger.record((RoundMessage) m));
        RoundScorer scorer = new RoundScorer(store);
        List<RoundEvaluated> rounds = new ArrayList<>();
        for (int r = 1; r <= config.schedule().rounds(); r++) {
            rounds.add(scorer.evaluate(ledger, r, data, now));
        }
        assertMatchesSimulator(rounds);
    }
}
