package io.fmkt.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerScheduleTest {
    private static final long SEED = 2024;

    @Test
    void eachClientAppearsAtMostOncePerRound() {
        for (int round = 1; round <= 200; round++) {
            List<PeerPair> pairs = PeerSchedule.pairs(SEED, round, 10, 5);
            assertThat(pairs).hasSize(5);
            Set<Integer> seen = new HashSet<>();
            for (PeerPair p : pairs) {
                assertThat(seen.add(p.updater())).isTrue();
                assertThat(seen.add(p.receiver())).isTrue();
                assertThat(p.updater()).isBetween(0, 9);
                assertThat(p.receiver()).isBetween(0, 9);
            }
        }
    }

    @Test
    void moreThanHalfTheClientsAsPairsIsRejected() {
        assertThatThrownBy(() -> PeerSchedule.pairs(SEED, 1, 5, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("N=5")
                .hasMessageContaining("Q=3");
    }

    @Test
    void roundZeroAndNegativePairsAreRejected() {
        assertThatThrownBy(() -> PeerSchedule.pairs(SEED, 0, 10, 1)).hasMessageContaining("round 0");
        assertThatThrownBy(() -> PeerSchedule.pairs(SEED, 1, 10, -1)).hasMessageContaining("-1");
    }

    @Test
    void zeroPairsAndExactlyHalfAreAllowed() {
        assertThat(PeerSchedule.pairs(SEED, 1, 4, 0)).isEmpty();
        assertThat(PeerSchedule.pairs(SEED, 1, 4, 2)).hasSize(2);
    }

    @Test
    void sameSeedAndRoundGiveTheSamePairsRegardlessOfCallOrder() {
        List<PeerPair> round7 = PeerSchedule.pairs(SEED, 7, 10, 3);
        for (int r = 1; r <= 6; r++) {
            PeerSchedule.pairs(SEED, r, 10, 3);
        }
        assertThat(PeerSchedule.pairs(SEED, 7, 10, 3)).isEqualTo(round7);
    }

    @Test
    void differentRoundsAndSeedsGiveDifferentPairs() {
        int sameAsRound1 = 0;
        List<PeerPair> round1 = PeerSchedule.pairs(SEED, 1, 10, 3);
        for (int r = 2; r <= 50; r++) {
            sameAsRound1 += PeerSchedule.pairs(SEED, r, 10, 3).equals(round1) ? 1 : 0;
        }
        // 10!/4! = 151,200 equally likely ordered outcomes: 49 rounds repeat round 1 with p ~ 3e-4.
        assertThat(sameAsRound1).isZero();
        assertThat(PeerSchedule.pairs(SEED + 1, 1, 10, 3)).isNotEqualTo(round1);
    }

    @Test
    void overManyRoundsEveryClientIsUpdaterAndReceiverEquallyOften() {
        int rounds = 2000;
        int n = 10;
        int q = 3;
        int[] asUpdater = new int[n];
        int[] asReceiver = new int[n];
        for (int r = 1; r <= rounds; r++) {
            for (PeerPair p : PeerSchedule.pairs(SEED, r, n, q)) {
                asUpdater[p.updater()]++;
                asReceiver[p.receiver()]++;
            }
        }
        // Each count is Binomial(2000, Q/N = 0.3): mean 600, sd sqrt(2000*0.3*0.7) ~ 20.5. A +-5 sd
        // band (500..700) misses by chance with p ~ 6e-7 per count, yet catches any real bias of
        // even a sixth (e.g. a client never chosen, or low ids favoured by an off-by-one shuffle).
        assertThat(java.util.Arrays.stream(asUpdater).boxed()).allSatisfy(c -> assertThat(c).isBetween(500, 700));
        assertThat(java.util.Arrays.stream(asReceiver).boxed()).allSatisfy(c -> assertThat(c).isBetween(500, 700));
    }
}
