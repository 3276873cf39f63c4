package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.train.TrainResult;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import org.junit.jupiter.api.Test;

/** When a client's model after a round is known for good, before the whole round is (pure logic). */
class RunLedgerTest {
    // seed 3, 4 clients, one pair: round 1 is 0->2, round 2 is 0->3
    private final ExperimentConfig config = SimulatorTest.tiny(3, 0.05, "3");

    private static BlobRef blob(int n) {
        String sha = String.format("%064x", n);
        return new BlobRef("runs/run-ledger/models/" + sha + ".fmkt", sha, 1);
    }

    private RunLedger withInitialModels() {
        RunLedger ledger = new RunLedger("run-ledger", config);
        for (int c = 0; c < config.data().clients(); c++) {
            ledger.record(ModelPublished.initial("run-ledger", c, blob(c), null, 2, 10));
        }
        return ledger;
    }

    @Test
    void aClientIsSettledOnceItsOwnPartOfEachRoundIsDone() {
        RunLedger ledger = new RunLedger("run-ledger", config);
        PeerPair one = ledger.schedule(1).get(0);
        assertThat(one.updater() + "->" + one.receiver()).isEqualTo("0->2");
        assertThat(ledger.settled(0, 0)).as("no initial model yet").isFalse();

        ledger = withInitialModels();
        assertThat(ledger.settled(1, 1)).as("not in round 1").isTrue();
        assertThat(ledger.settled(3, 1)).isTrue();
        assertThat(ledger.settled(0, 1)).as("round 1's updater before its model").isFalse();
        assertThat(ledger.settled(2, 1)).as("round 1's receiver before its outcome").isFalse();

        ledger.record(ModelPublished.trained("run-ledger", 1, 0, blob(10), null, 2, 10,
                new TrainResult(1, 32, 2.0, 2.0, 0.1, null), null));
        assertThat(ledger.settled(0, 1)).as("the updater's model is in: the fusion's outcome does not change it").isTrue();
        assertThat(ledger.settled(0, 2)).as("round 2's updater too").isFalse();
        assertThat(ledger.settled(2, 1)).isFalse();
        assertThat(ledger.lastCompleteRound()).isZero();
    }

    @Test
    void aSkippedPairSettlesBothOfItsClients() {
        RunLedger ledger = withInitialModels();
        PeerPair one = ledger.schedule(1).get(0);
        ledger.record(PairSkipped.of("run-ledger", 1, one, "deadline: updater 0 published no model within 30 s"));
        assertThat(ledger.settled(one.updater(), 1)).isTrue();
        assertThat(ledger.settled(one.receiver(), 1)).isTrue();
        assertThat(ledger.lastCompleteRound()).isEqualTo(1);
        assertThat(ledger.current(one.updater(), 1).weights()).isEqualTo(blob(0));
    }
}
