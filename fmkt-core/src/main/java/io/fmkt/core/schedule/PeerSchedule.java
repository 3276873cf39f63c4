package io.fmkt.core.schedule;

import io.fmkt.core.numerics.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Who exchanges with whom in a round. A pure function of (run seed, round): every process computes
 * the same schedule without coordination, and a round's pairs do not depend on earlier rounds.
 */
public final class PeerSchedule {
    private PeerSchedule() {
    }

    /**
     * {@code pairs} disjoint pairs among {@code clients} clients for round {@code round} (rounds count
     * from 1). A seeded partial Fisher-Yates shuffle of 0..N-1 draws a uniformly random ordered
     * 2Q-prefix: positions 0..Q-1 are updaters, Q..2Q-1 their receivers. So each client appears at
     * most once per round, and is an updater (or a receiver) with probability Q/N in every round.
     *
     * @throws IllegalArgumentException if round < 1, pairs < 0 or 2*pairs > clients
     */
    public static List<PeerPair> pairs(long runSeed, int round, int clients, int pairs) {
        if (round < 1) {
            throw new IllegalArgumentException("PeerSchedule: rounds count from 1, got round " + round);
        }
        if (pairs < 0) {
            throw new IllegalArgumentException("PeerSchedule: pairs Q must be >= 0, got " + pairs);
        }
        if (2L * pairs > clients) {
            throw new IllegalArgumentException("PeerSchedule: " + pairs + " disjoint pairs need 2Q <= N, but N="
                    + clients + " clients and Q=" + pairs);
        }
        int[] order = new int[clients];
        for (int i = 0; i < clients; i++) {
            order[i] = i;
        }
        SplittableRandom rng = Seeds.rng(runSeed, Seeds.Purpose.SCHEDULE, round);
        // Only the first 2Q positions are needed; each is uniform over what is left.
        for (int i = 0; i < 2 * pairs; i++) {
            int j = i + rng.nextInt(clients - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<PeerPair> out = new ArrayList<>(pairs);
        for (int q = 0; q < pairs; q++) {
            out.add(new PeerPair(order[q], order[pairs + q]));
        }
        return List.copyOf(out);
    }
}
