package io.fmkt.core.results;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.WireMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run produced, whichever mode ran it: its config, one summary per round and one result per
 * scheduled pair, in round and then schedule order. fmkt-report's {@code RunOutputs.write} turns it into the run
 * directory, the same files for {@code simulate}, {@code run}, {@code study} and {@code replay}.
 */
public record RunResult(ExperimentConfig config, List<RoundSummary> rounds, List<PairResult> pairs) {

    public RunResult {
        rounds = List.copyOf(rounds);
        pairs = List.copyOf(pairs);
    }

    /** The simulator's rounds, whose pairs are already in schedule order. */
    public static RunResult of(ExperimentConfig config, List<RoundSummary> rounds) {
        List<PairResult> pairs = new ArrayList<>();
        for (RoundSummary r : rounds) {
            for (PairOutcome p : r.pairs()) {
                pairs.add(PairResult.of(r.round(), p));
            }
        }
        return new RunResult(config, rounds, pairs);
    }

    /**
     * A run as the services logged it. {@code outcomes} ({@link FusionCompleted} and
     * {@link PairSkipped}) may hold redeliveries and arrive in any order: the first per (round,
     * receiver) counts, and the pairs are put in the schedule's order. {@code models} supplies each
     * updater's local loss.
     */
    public static RunResult ofLog(ExperimentConfig config, Collection<RoundEvaluated> evaluated,
            Collection<? extends WireMessage> outcomes, Collection<ModelPublished> models) {
        int last = config.schedule().rounds();
        List<RoundSummary> rounds = evaluated.stream().filter(e -> e.round() >= 1 && e.round() <= last)
                .sorted(Comparator.comparingInt(RoundEvaluated::round)).map(RoundSummary::of).toList();
        Map<String, ModelPublished> updates = new HashMap<>();
        for (ModelPublished m : models) {
            if (m.role() == ModelPublished.Role.UPDATER) {
                updates.putIfAbsent(m.round() + "/" + m.client(), m);
            }
        }
        Map<String, PairResult> first = new LinkedHashMap<>();
        for (WireMessage m : outcomes) {
            PairResult p = m instanceof FusionCompleted f ? PairResult.of(f, updates.get(f.round() + "/" + f.updater()))
                    : m instanceof PairSkipped s ? PairResult.of(s) : null;
            if (p != null && p.round() <= config.schedule().rounds()) {
                first.putIfAbsent(((RoundMessage) m).round() + "/" + p.receiver(), p);
            }
        }
        List<PairResult> pairs = new ArrayList<>(first.values());
        pairs.sort(Comparator.comparingInt(PairResult::round).thenComparingInt(p -> scheduleIndex(config, p)));
        return new RunResult(config, rounds, pairs);
    }

    /**
     * The pairs that failed or were skipped because a loss or a weight became NaN or infinite. Such a run's
     * numbers are suspect (diverged training, or kernels computing garbage), so commands say so loudly.
     */
    public List<PairResult> nonFinitePairs() {
        return pairs.stream().filter(PairResult::nonFinite).toList();
    }

    private static int scheduleIndex(ExperimentConfig c, PairResult p) {
        int i = PeerSchedule.pairs(c.schedule().seed(), p.round(), c.data().clients(), c.schedule().pairs())
                .indexOf(new PeerPair(p.updater(), p.receiver()));
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
