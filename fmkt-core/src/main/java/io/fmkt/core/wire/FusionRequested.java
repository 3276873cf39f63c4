package io.fmkt.core.wire;

import io.fmkt.core.schedule.PeerPair;

/**
 * Work for a fusion worker: distil {@code received} (the updater's freshly trained model) and
 * {@code own} (the receiver's current model) on the receiver's data. Both models are named by
 * digest, so the worker fuses exactly the versions the round meant even if newer ones appear.
 * The receiver's data and the fusion settings follow from the run's {@link RunStarted} config and
 * the receiver id, so they are not repeated here (a counterfactual is a run of its own, with its
 * own config). Messages logged by older builds may carry a per-pair layer override field that was
 * never set; it is ignored like any unknown field.
 */
public record FusionRequested(String runId, int round, int updater, int receiver, BlobRef received, BlobRef own)
        implements RoundMessage {

    public FusionRequested {
        RunIds.validate(runId);
        Checks.atLeast("round", round, 1);
        Checks.distinctClients(updater, receiver);
        Checks.required("received", received);
        Checks.required("own", own);
    }

    public PeerPair pair() {
        return new PeerPair(updater, receiver);
    }

    @Override
    public MessageType type() {
        return MessageType.FUSION_REQUESTED;
    }
}
