package io.fmkt.core.wire;

import io.fmkt.core.schedule.PeerPair;

/**
 * A scheduled pair did not fuse at all: the updater's local update failed, or a participant missed
 * the round's deadline. Published on {@link Topics#FUSED} next to {@link FusionCompleted}, so a round
 * is complete when every scheduled pair has one of the two there, and a skip is recorded, not hidden.
 *
 * @param reason why, in words (e.g. {@code updater failed: non-finite loss at step 12})
 */
public record PairSkipped(String runId, int round, int updater, int receiver, String reason) implements RoundMessage {

    public PairSkipped {
        RunIds.validate(runId);
        Checks.atLeast("round", round, 1);
        Checks.distinctClients(updater, receiver);
        Checks.nonBlank("reason", reason);
    }

    public static PairSkipped of(String runId, int round, PeerPair pair, String reason) {
        return new PairSkipped(runId, round, pair.updater(), pair.receiver(), reason);
    }

    public PeerPair pair() {
        return new PeerPair(updater, receiver);
    }

    @Override
    public MessageType type() {
        return MessageType.PAIR_SKIPPED;
    }
}
