package io.fmkt.core.numerics;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Every random stream of a run is derived from (run seed, purpose, ids...), never drawn from one
 * shared sequential generator (DESIGN.md): then a number does not depend on which process
 * computed it or in what order, so the simulator and the services agree exactly.
 */
public final class Seeds {
    private Seeds() {
    }

    /** Purposes, so that two streams never collide by accident. */
    public enum Purpose {
        PARTITION, INIT, SCHEDULE, LOCAL_SHUFFLE, LOCAL_AUGMENT, FUSION_SHUFFLE, FUSION_AUGMENT,
        PROBE, HOLDOUT, SYNTHETIC, TEST_SUBSET
    }

    /** A 64-bit seed from the run seed, a purpose and any number of ids (round, client, ...). */
    public static long derive(long runSeed, Purpose purpose, long... ids) {
        long h = mix(runSeed ^ 0x9E3779B97F4A7C15L);
        for (byte b : purpose.name().getBytes(StandardCharsets.US_ASCII)) {
            h = mix(h ^ b);
        }
        for (long id : ids) {
            h = mix(h ^ mix(id + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    public static SplittableRandom rng(long runSeed, Purpose purpose, long... ids) {
        return new SplittableRandom(derive(runSeed, purpose, ids));
    }

    /** SplitMix64's finaliser: a bijective avalanche mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
