package io.fmkt.core.results;

import java.util.List;

/**
 * One round of a run: global accuracy (every client's current model on the test set, in percent)
 * summarised over clients (population std), plus what each pair did.
 */
public record RoundSummary(int round, double accMean, double accMin, double accMax, double accStd,
        double[] perClient, List<PairOutcome> pairs, double localSeconds, double fusionSeconds,
        double evalSeconds) {

    /** A round as the services logged it (no pair details or timings on the wire). */
    public static RoundSummary of(io.fmkt.core.wire.RoundEvaluated e) {
        return of(e.round(), e.perClient(), List.of(), 0, 0, 0);
    }

    public static RoundSummary of(int round, double[] perClient, List<PairOutcome> pairs, double localSeconds,
            double fusionSeconds, double evalSeconds) {
        io.fmkt.core.train.ClientStats st = io.fmkt.core.train.ClientStats.of(perClient);
        return new RoundSummary(round, st.mean(), st.min(), st.max(), st.std(), perClient.clone(),
                List.copyOf(pairs), localSeconds, fusionSeconds, evalSeconds);
    }
}
