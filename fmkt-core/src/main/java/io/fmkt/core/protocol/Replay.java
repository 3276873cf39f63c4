package io.fmkt.core.protocol;

import io.fmkt.core.names.Labels;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
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

        /**
         * Reads the run from the log: its RunStarted from the start of the compacted runs topic, its
         * events from {@code since} on (null: from the start).
         */
        public static Log read(io.fmkt.core.wire.EventLog reader, String runId, Instant since) {
            List<WireMessage> messages = new ArrayList<>(reader.read(runId, List.of(Topics.RUNS), null));
            messages.addAll(reader.read(runId, List.of(Topics.MODELS, Topics.PAIRS, Topics.FUSED, Topics.ROUNDS),
                    since));
            return of(runId, messages);
        }

        public RunLedger ledger() {
            RunLedger l = new RunLedger(run.runId(), run.config());
            models.forEach(l::onModel);
            outcomes.forEach(l::onOutcome);
            return l;
        }

        /** How many rounds 1..k were evaluated without a gap. */
        public int evaluatedRounds() {
            int k = 0;
            while (evaluated.containsKey(k + 1)) {
                k++;
            }
            return k;
        }

        /**
         * The request that makes the services continue this run from its first incomplete round, or
         * null when every round has been evaluated (nothing to resume).
         */
        public io.fmkt.core.wire.RunResumed resumeRequest(Instant now) {
            if (evaluatedRounds() >= run.config().schedule().rounds()) {
                return null;
            }
            return io.fmkt.core.wire.RunResumed.of(run, Math.max(1, ledger().lastCompleteRound() + 1), now);
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
            for (int i = 0; i < replayConfig.data().clients(); i++) {
                state.add(ledger.current(i, r));
            }
            for (var pair : ledger.schedule(r)) {
                FusionRequested req = log.requests().get(r + "/" + pair.receiver());
                if (req == null) {
                    continue; // skipped in the parent: nothing was fused, nothing to redo
                }
                FusionRequested again = new FusionRequested(replayId, r, req.updater(), req.receiver(), req.received(),
                        req.own());
                FusionCompleted f = worker.fuse(again, replayConfig, data);
                state.set(req.receiver(), f.ok() ? new RunLedger.ClientModel(f.fused(), f.features())
                        : ledger.current(req.receiver(), r - 1));
            }
            out.add(scorer.evaluate(replayId, r, replayConfig, state, data, Instant.EPOCH));
        }
        return out;
    }

    /** {@code e} as a round of run {@code runId} (a re-evaluation published under the replay's id). */
    public static RoundEvaluated as(String runId, RoundEvaluated e, Instant now) {
        return RoundEvaluated.of(runId, e.round(), e.perClient(), e.modelDigests(), e.cka(), e.testImages(), now);
    }

    /**
     * The replay's config: the parent's with the given overrides (null keeps the parent's value).
     * Re-evaluation takes no overrides.
     */
    public static ExperimentConfig overridden(ExperimentConfig parent, String layers, Double beta, Double temperature,
            String keep, String norm) {
        ExperimentConfig.Builder b = parent.toBuilder();
        if (layers != null) {
            b.layers(layers);
        }
        if (beta != null) {
            b.beta(beta);
        }
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (keep != null) {
            b.keep(keep);
        }
        if (norm != null) {
            b.norm(norm);
        }
        return b.build();
    }

    /** What a replay computes, as asked for from the CLI or over HTTP. */
    public enum Mode {
        /** Recompute the logged accuracies from the logged models. */
        REEVALUATE,
        /** Re-run each pair's fusion from its logged inputs with other settings: the counterfactual. */
        REFUSION,
        /** Continue a stopped run on the services. */
        RESUME;

        /** {@code refuse}, the first name of {@link #REFUSION}, still reads (it meant "re-fuse"). */
        private static final String REFUSION_ALIAS = "refuse";

        public String label() {
            return Labels.of(this);
        }

        /** The mode named {@code s}, or null for null (then the request's overrides decide). */
        public static Mode parse(String s) {
            if (s == null) {
                return null;
            }
            if (REFUSION_ALIAS.equalsIgnoreCase(s)) {
                return REFUSION;
            }
            return Labels.parse(Mode.class, s, "replay mode");
        }
    }

    /**
     * One replay of rounds {@code from..to} (to null: the parent's last) of {@code run}; the fusion
     * overrides apply to {@link Mode#REFUSION} only; {@code replayId} null picks a readable default.
     * With {@code mode} null, any fusion override implies the counterfactual ({@code --layers 1}
     * alone re-fuses), and none means re-evaluation.
     */
    public record Request(String run, Mode mode, int from, Integer to, String layers, Double beta, Double temperature,
            String keep, String norm, String replayId) {

        public Request {
            io.fmkt.core.wire.RunIds.validate(run);
            boolean overrides = layers != null || beta != null || temperature != null || keep != null || norm != null;
            if (mode == null) {
                mode = overrides ? Mode.REFUSION : Mode.REEVALUATE;
            }
            if (mode == Mode.REEVALUATE && (layers != null || beta != null || temperature != null || keep != null
                    || norm != null)) {
                throw new IllegalArgumentException("re-evaluation takes no fusion overrides (use mode refusion)");
            }
            if (from < 1 || (to != null && to < from)) {
                throw new IllegalArgumentException("rounds must satisfy 1 <= from <= to, got " + from + ".." + to);
            }
        }

        public ExperimentConfig config(ExperimentConfig parent) {
            return mode == Mode.REFUSION ? overridden(parent, layers, beta, temperature, keep, norm) : parent;
        }

        public String id(ExperimentConfig parent) {
            if (replayId != null) {
                return io.fmkt.core.wire.RunIds.validate(replayId);
            }
            return io.fmkt.core.wire.RunIds.validate(mode == Mode.REEVALUATE ? run + "-reevaluate"
                    : run + "-refuse-" + config(parent).fusion().layers().toString().replace(',', '_'));
        }

        /** Runs a re-evaluation or re-fusion; the rounds carry the replay's id. */
        public List<RoundEvaluated> execute(Log log, ModelStore store, ExperimentData data, Instant now) {
            ExperimentConfig parent = log.run().config();
            int last = to != null ? to : parent.schedule().rounds();
            if (last > parent.schedule().rounds()) {
                throw new IllegalArgumentException("run " + run + " has " + parent.schedule().rounds() + " rounds, not "
                        + last);
            }
            String id = id(parent);
            return switch (mode) {
                case REEVALUATE -> reevaluate(log, store, data, from, last).stream().map(e -> as(id, e, now)).toList();
                case REFUSION -> refuse(log, id, config(parent), store, data, from, last);
                case RESUME -> throw new IllegalArgumentException("resume continues the run on the services; it"
                        + " computes nothing here");
            };
        }
    }
}
