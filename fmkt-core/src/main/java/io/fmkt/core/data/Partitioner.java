package io.fmkt.core.data;

/**
 * Splits a training set among clients. Implementations are pure functions of
 * (train, clients, runSeed): every random choice comes from {@link io.fmkt.core.numerics.Seeds},
 * so the simulator and the services compute the same partition independently.
 */
@FunctionalInterface
public interface Partitioner {

    Partition split(TrainingImages train, int clients, long runSeed);

    /** This partitioner followed by {@link Partition#capped} (at most {@code maxPerClient} images per client). */
    default Partitioner capped(int maxPerClient) {
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("Partition cap must be >= 1, got " + maxPerClient);
        }
        Partitioner inner = this;
        return new Partitioner() {
            @Override
            public Partition split(TrainingImages train, int clients, long runSeed) {
                return inner.split(train, clients, runSeed).capped(maxPerClient, train, runSeed);
            }

            @Override
            public String toString() {
                return inner + " cap " + maxPerClient;
            }
        };
    }
}
