package io.fmkt.core.sim;

import java.util.List;

/**
 * One round of a run: global accuracy (every client's current model on the test set, in percent)
 * summarised over clients (population std), plus what each pair did.
 */
public record RoundSummary(int round, double accMean, double accMin, double accMax, double accStd,
        double[] perClient, List<PairOutcome> pairs, double localSeconds, double fusionSeconds,
        double evalSeconds) {

    public static RoundSummary of(int round, double[] perClient, List<PairOutcome> pairs, double localSeconds,
            double fusionSeconds, double evalSeconds) {
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
        return new RoundSummary(round, mean, min, max, Math.sqrt(sq / perClient.length), perClient.clone(),
                List.copyOf(pairs), localSeconds, fusionSeconds, evalSeconds);
    }
}
