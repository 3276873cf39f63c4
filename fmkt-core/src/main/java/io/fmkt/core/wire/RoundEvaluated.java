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
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double a : perClient) {
            sum += a;
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double mean = sum / perClient.length;
        double sq = 0;
        for (double a : perClient) {
            sq += (a - mean) * (a - mean);
        }
        return new RoundEvaluated(runId, round, mean, min, max, Math.sqrt(sq / perClient.length), perClient,
                modelDigests, cka, testImages, evaluatedAt.toString());
    }

    @Override
    public MessageType type() {
        return MessageType.ROUND_EVALUATED;
    }
}
