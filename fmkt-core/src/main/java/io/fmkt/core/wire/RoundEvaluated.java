package io.fmkt.core.wire;

import java.time.Instant;

/**
 * Global accuracy after a round: every client's current model scored on the global test set, in
 * percent. {@code modelDigests[i]} is the weights digest of the model that earned
 * {@code perClient[i]}, so a number can be traced to the exact model (and re-scored) later.
 *
 * @param round      0 for the initial models, else the round (from 1) just completed
 * @param accStd     population standard deviation over clients (as {@code sim.RoundSummary})
 * @param perClient  accuracy of client i at index i
 * @param cka        layer-wise (stages 1..4) mean pairwise CKA similarity between clients' models, or null
 * @param testImages how many test images each model was scored on
 * @param evaluatedAt ISO-8601 instant
 */
public record RoundEvaluated(String runId, int round, double accMean, double accMin, double accMax, double accStd,
        double[] perClient, String[] modelDigests, @Nullable double[] cka, int testImages, String evaluatedAt)
        implements RoundMessage {

    public RoundEvaluated {
        RunIds.validate(runId);
        Checks.atLeast("round", round, 0);
        perClient = Checks.required("perClient", perClient).clone();
        modelDigests = Checks.required("modelDigests", modelDigests).clone();
        if (perClient.length == 0) {
            throw WireException.invalid("perClient", "must score at least one client");
        }
        for (int i = 0; i < perClient.length; i++) {
            Checks.percent("perClient[" + i + "]", perClient[i]);
        }
        if (modelDigests.length != perClient.length) {
            throw WireException.invalid("modelDigests", "needs one digest per scored client (" + perClient.length
                    + "), got " + modelDigests.length);
        }
        for (int i = 0; i < modelDigests.length; i++) {
            Checks.sha256("modelDigests[" + i + "]", modelDigests[i]);
        }
        Checks.percent("accMean", accMean);
        Checks.percent("accMin", accMin);
        Checks.percent("accMax", accMax);
        if (!(accStd >= 0 && accStd <= 100)) {
            throw WireException.invalid("accStd", "must be in 0..100, got " + accStd);
        }
        if (cka != null) {
            cka = cka.clone();
            if (cka.length != 4) {
                throw WireException.invalid("cka", "needs one value per ResNet stage (4), got " + cka.length);
            }
        }
        Checks.atLeast("testImages", testImages, 1);
        Checks.instant("evaluatedAt", evaluatedAt);
    }

    /** Computes mean, min, max and population std of {@code perClient} the way the simulator does. */
    public static RoundEvaluated of(String runId, int round, double[] perClient, String[] modelDigests, double[] cka,
            int testImages, Instant evaluatedAt) {
        if (perClient.length == 0) {
            throw WireException.invalid("perClient", "must score at least one client");
        }
        io.fmkt.core.train.ClientStats st = io.fmkt.core.train.ClientStats.of(perClient);
        return new RoundEvaluated(runId, round, st.mean(), st.min(), st.max(), st.std(), perClient,
                modelDigests, cka, testImages, evaluatedAt.toString());
    }
    @Override
    public MessageType type() {
        return MessageType.ROUND_EVALUATED;
    }
}
