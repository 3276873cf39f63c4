package io.fmkt.core.protocol;

import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rounds of a logged run, recomputed from its events and stored objects alone: re-evaluation
 * (no retraining; must equal the logged RoundEvaluated) and counterfactual re-fusion (the logged
 * inputs of each pair fused again with other settings; every other client keeps its logged model).
 */
public final class Replay {
    private Replay() {
    }

    /** A run's events, from a log read from the beginning. */
    public record Log(RunStarted run, List<ModelPublished> models, Map<String, FusionRequested> requests,
            List<RoundMessage> outcomes, Map<Integer, RoundEvaluated> evaluated) {

        public static Log of(String runId, List<WireMessage> messages) {
            RunStarted run = null;
            List<ModelPublished> models = new ArrayList<>();
            Map<String, FusionRequested> requests = new LinkedHashMap<>();
            List<RoundMessage> outcomes = new ArrayList<>();
            Map<Integer, RoundEvaluated> evaluated = new TreeMap<>();
            for (WireMessage m : messages) {
                if (!runId.equals(m.runId())) {
                    continue;
                }
                if (m instanceof RunStarted r) {
                    run = r;
                } else if (m instanceof ModelPublished mp) {
                    models.add(mp);
                } else if (m instanceof FusionRequested f) {
                    requests.putIfAbsent(f.round() + "/" + f.receiver(), f);
                } else if (m instanceof FusionCompleted || m instanceof PairSkipped) {
                    outcomes.add((RoundMessage) m);
                } else if (m instanceof RoundEvaluated e) {
                    evaluated.putIfAbsent(e.round(), e);
                }
            }
            if (run == null) {
                throw new IllegalStateException("run " + runId + ": no RunStarted on fmkt.runs (wrong id, or the"
                        + " config topic lost it: it must be compacted, never deleted)");
            }
            return new Log(run, models, requests, outcomes, evaluated);
        }

        public RunLedger ledger() {
            RunLedger l = new RunLedger(run.runId(), run.config());
            models.forEach(l::onModel);
            outcomes.forEach(l::onOutcome);
            return l;
        }

        void requireRounds(RunLedger ledger, int to) {
            if (ledger.lastCompleteRound() < to) {
                throw new IllegalStateException("run " + run.runId() + ": the log holds complete events only up to round "
                        + Math.max(0, ledger.lastCompleteRound()) + ", not " + to
                        + " (events missing: topic retention, or the run is still going)");
            }
        }
    }

    /** Global accuracy of rounds {@code from..to}, recomputed from the logged models. */
    public static List<RoundEvaluated> reevaluate(Log log, ModelStore store, ExperimentData data, int from, int to) {
        RunLedger ledger = log.ledger();
        log.requireRounds(ledger, to);
        RoundScorer scorer = new RoundScorer(store);
        List<RoundEvaluated> out = new ArrayList<>();
        for (int r = from; r <= to; r++) {
            out.add(scorer.evaluate(ledger, r, data, Instant.EPOCH));
        }
        return out;
    }

    /**
     * Rounds {@code from..to} with each pair's fusion redone under {@code replayConfig} on the logged
     * inputs (the updater's model and the receiver's model as they were requested); everyone else
     * keeps the parent's model of that round. Results are scored under {@code replayId}.
     */
    public static List<RoundEvaluated> refuse(Log log, String replayId, ExperimentConfig replayConfig,
            ModelStore store, ExperimentData data, int from, int to) {
        RunLedger ledger = log.ledger();
        log.requireRounds(ledger, to);
        FusionWorker worker = new FusionWorker(store);
        RoundScorer scorer = new RoundScorer(store);
        List<RoundEvaluated> out = new ArrayList<>();
        for (int r = from; r <= to; r++) {
            List<RunLedger.ClientModel> state = new ArrayList<>();
            for (int i = 0; i < replayConfig.clients(); i++) {
                state.add(ledger.current(i, r));
            }
            for (var pair : ledger.schedule(r)) {
                FusionRequested req = log.requests().get(r + "/" + pair.receiver());
                if (req == null) {
                    continue; // skipped in the parent: nothing was fused, nothing to redo
                }
                FusionRequested again = new FusionRequested(replayId, r, req.updater(), req.receiver(), req.received(),
                        req.own(), null);
                FusionCompleted f = worker.fuse(again, replayConfig, data);
                state.set(req.receiver(), f.ok() ? new RunLedger.ClientModel(f.fused(), f.features())
                        : ledger.current(req.receiver(), r - 1));
            }
            out.add(scorer.evaluate(replayId, r, replayConfig, state, data, Instant.EPOCH));
        }
        return out;
    }
}
