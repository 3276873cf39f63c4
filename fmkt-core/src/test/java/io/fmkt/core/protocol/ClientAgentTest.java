package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientAgentTest {
    static ExperimentConfig config;
    static ExperimentData data;
    static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

    @BeforeAll
    static void load() throws Exception {
        config = SimulatorTest.tiny(1, 0.05, "3");
        data = ExperimentData.load(config);
    }

    private static ClientAgent hostingAll() {
        return new ClientAgent("run-agent", config, Set.of(0, 1, 2, 3), new ModelStore(new InMemoryObjectStore()), data,
                Duration.ofHours(1));
    }

    @Test
    void aReceiverHostedWithItsUpdaterAsksForItsFusionWithoutWaitingForAnotherEvent() {
        ClientAgent agent = hostingAll();
        List<WireMessage> out = agent.start(NOW);
        List<PeerPair> pairs = agent.ledger().schedule(1);
        assertThat(out).filteredOn(m -> m instanceof ModelPublished mp && mp.round() == 1).hasSize(pairs.size());
        assertThat(out).filteredOn(FusionRequested.class::isInstance).extracting(m -> ((FusionRequested) m).receiver())
                .containsExactlyInAnyOrderElementsOf(pairs.stream().map(PeerPair::receiver).toList());
    }

    @Test
    void eagerlyEachMessageLeavesAsSoonAsItExistsAndTheMessagesAreTheSame() {
        List<WireMessage> returned = hostingAll().start(NOW);
        ClientAgent eager = hostingAll();
        List<List<WireMessage>> handed = new ArrayList<>();
        eager.publishEagerly(handed::add);
        List<WireMessage> left = eager.start(NOW);

        assertThat(left).isEmpty();
        assertThat(handed).allSatisfy(batch -> assertThat(batch).hasSize(1));
        List<WireMessage> sent = handed.stream().map(b -> b.get(0)).toList();
        assertThat(sent.stream().map(ClientAgentTest::content).toList())
                .containsExactlyInAnyOrderElementsOf(returned.stream().map(ClientAgentTest::content).toList());
        // each pair's request follows its updater's model directly: fusion can start while the next updater trains
        for (PeerPair p : eager.ledger().schedule(1)) {
            int model = indexOf(sent, m -> m instanceof ModelPublished mp && mp.round() == 1 && mp.client() == p.updater());
            int request = indexOf(sent, m -> m instanceof FusionRequested f && f.receiver() == p.receiver());
            assertThat(request).isEqualTo(model + 1);
        }
    }

    @Test
    void roundOnesPairsActBeforeTheOtherInitialModelsAreIn() {
        ClientAgent eager = hostingAll();
        List<WireMessage> sent = new ArrayList<>();
        eager.publishEagerly(sent::addAll);
        eager.start(NOW);

        PeerPair first = eager.ledger().schedule(1).get(0);
        int initials = (int) sent.stream().filter(m -> m instanceof ModelPublished mp && mp.round() == 0).count();
        assertThat(initials).isEqualTo(config.data().clients());
        // the first pair's two initial models, then its update and fusion request, before anyone else's initial model
        assertThat(sent.subList(0, 4)).extracting(ClientAgentTest::kind).containsExactly(
                "initial " + first.receiver(), "initial " + first.updater(), "model 1 " + first.updater(),
                "request 1 " + first.receiver());
        int lastInitial = -1;
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i) instanceof ModelPublished mp && mp.round() == 0) {
                lastInitial = i;
            }
        }
        assertThat(indexOf(sent, m -> m instanceof ModelPublished mp && mp.round() == 1)).isLessThan(lastInitial);
        // the update starts from the updater's initial model, as when round 0 was waited for
        FusionRequested request = (FusionRequested) sent.get(3);
        assertThat(request.own()).isEqualTo(eager.ledger().model(0, first.receiver()).weights());
    }

    /**
     * A pair of the next round trains and asks for its fusion as soon as its two clients are done with
     * this round, before this round's fusion is back; a round further ahead waits. Seed 3: round 1 is
     * 0->2, round 2 is 0->3 (neither is round 1's receiver), round 3 is 0->2 (round 1's receiver).
     */
    @Test
    void theNextRoundsPairGoesAheadOnceItsOwnClientsAreDoneWithThisRound() {
        ExperimentConfig three = SimulatorTest.tiny(3, 0.05, "3");
        ModelStore store = new ModelStore(new InMemoryObjectStore());
        ClientAgent agent = new ClientAgent("run-agent", three, Set.of(0, 1, 2, 3), store, data, Duration.ofHours(1));
        PeerPair one = agent.ledger().schedule(1).get(0);
        PeerPair two = agent.ledger().schedule(2).get(0);
        PeerPair third = agent.ledger().schedule(3).get(0);
        assertThat(List.of(one, two, third)).extracting(p -> p.updater() + "->" + p.receiver())
                .containsExactly("0->2", "0->3", "0->2");

        List<WireMessage> out = agent.start(NOW);
        assertThat(agent.ledger().lastCompleteRound()).isZero(); // round 1's fusion is not back
        assertThat(out).extracting(ClientAgentTest::kind).contains("model 2 0", "request 2 3")
                .noneMatch(k -> k.startsWith("model 3") || k.startsWith("request 3"));
        FusionRequested ahead = (FusionRequested) out.stream()
                .filter(m -> m instanceof FusionRequested f && f.round() == 2).findFirst().orElseThrow();
        // the inputs are what they would be after the whole round: the updater's round-1 model, the receiver's initial one
        assertThat(ahead.received()).isEqualTo(agent.ledger().model(2, 0).weights());
        assertThat(ahead.own()).isEqualTo(agent.ledger().model(0, 3).weights());

        FusionRequested first = (FusionRequested) out.stream()
                .filter(m -> m instanceof FusionRequested f && f.round() == 1).findFirst().orElseThrow();
        List<WireMessage> next = agent.onEvent(new FusionWorker(store).fuse(first, three, data), NOW);
        // round 1 complete: round 3 (one ahead of round 2, whose fusion is still out) goes, from round 1's fused model
        assertThat(agent.ledger().lastCompleteRound()).isEqualTo(1);
        assertThat(next).extracting(ClientAgentTest::kind).containsExactly("model 3 0", "request 3 2");
        FusionRequested last = (FusionRequested) next.get(1);
        assertThat(last.own()).isEqualTo(agent.ledger().current(2, 2).weights())
                .isNotEqualTo(agent.ledger().model(0, 2).weights());
    }

    /** A message without its wall-clock timing. */
    private static String content(WireMessage m) {
        return m instanceof ModelPublished mp ? "model " + mp.round() + " " + mp.client() + " " + mp.weights() : m.toString();
    }

    /** What a message is and whose. */
    private static String kind(WireMessage m) {
        if (m instanceof ModelPublished mp) {
            return mp.round() == 0 ? "initial " + mp.client() : "model " + mp.round() + " " + mp.client();
        }
        return m instanceof FusionRequested f ? "request " + f.round() + " " + f.receiver() : m.toString();
    }

    private static int indexOf(List<WireMessage> list, java.util.function.Predicate<WireMessage> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
