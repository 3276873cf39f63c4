package io.fmkt.core.schedule;

/** One directed exchange of a round: {@code updater} sends its model to {@code receiver}. */
public record PeerPair(int updater, int receiver) {

    public PeerPair {
        if (updater < 0 || receiver < 0) {
            throw new IllegalArgumentException("PeerPair: client ids must be >= 0, got " + updater + " -> " + receiver);
        }
        if (updater == receiver) {
            throw new IllegalArgumentException("PeerPair: a client cannot pair with itself (" + updater + ")");
        }
    }

    @Override
    public String toString() {
        return updater + "->" + receiver;
    }
}
