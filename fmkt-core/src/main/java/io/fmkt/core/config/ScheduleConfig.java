package io.fmkt.core.config;

/**
 * Which peers meet when ({@link PeerSchedule}) and the seed every random stream derives from
 * ({@link Seeds}).
 *
 * @param pairs Q, disjoint (updater, receiver) pairs per round; 2Q <= clients (checked by
 *              {@link ExperimentConfig}, which knows both)
 */
public record ScheduleConfig(int rounds, int pairs, long seed) {

    public ScheduleConfig {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
    }
}
