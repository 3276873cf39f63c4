package io.fmkt.core.protocol;

import io.fmkt.core.codec.CodecException;
import io.fmkt.core.results.PairResult;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.store.ObjectStoreException;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One run as the evaluator follows it: the ledger of its events, the scorer (each model digest
 * scored once) and the rounds evaluated so far, in order. Events may be recorded from any thread;
 * {@link #evaluateComplete} runs on one thread (the evaluator's DJL thread).
 */
public final class RunScoring {
    private final RunStarted run;
    private final RunLedger ledger;
    private final RoundScorer scorer;
    private final List<RoundEvaluated> evaluated = new CopyOnWriteArrayList<>();
    private final ArrayDeque<RunLedger.ClientModel> ahead = new ArrayDeque<>(); // guarded by ledger

    /** A round just scored, with how many models it scored (not cached) and how long it took. */
    public record Scored(RoundEvaluated round, int modelsScored, long nanos) {
    }

    /** A round whose models could not be loaded or verified; the run cannot be scored past it. */
    public static final class RoundNotScored extends RuntimeException {
        private final int round;

        RoundNotScored(int round, RuntimeException cause) {
            super("round " + round + " cannot be scored: " + cause.getMessage(), cause);
            this.round = round;
        }

        public int round() {
            return round;
        }
    }

    public RunScoring(RunStarted run, ModelStore store) {
        this.run = run;
        this.ledger = new RunLedger(run.runId(), run.config());
        this.scorer = new RoundScorer(store);
    }

    /**
     * Takes in what the log already holds for the run: models and outcomes into the ledger, and the
     * rounds published without a gap (after a gap, rounds are evaluated again, identically).
     */
    public void recover(List<? extends RoundMessage> logged) {
        TreeMap<Integer, RoundEvaluated> published = new TreeMap<>();
        for (RoundMessage m : logged) {
            if (m instanceof RoundEvaluated e) {
                published.putIfAbsent(e.round(), e);
            } else {
                synchronized (ledger) {
                    ledger.record(m); // not scored ahead: rounds already published need no scores
                }
            }
        }
        for (int r = 1; published.containsKey(r); r++) {
            evaluated.add(published.get(r));
        }
    }

    /** Records a model or an outcome; false for one already known (a redelivery), which completes nothing. */
    public boolean record(RoundMessage event) {
        synchronized (ledger) {
            boolean fresh = ledger.record(event);
            RunLedger.ClientModel m = fresh ? finalModel(event) : null;
            if (m != null) {
                ahead.add(m);
            }
            return fresh;
        }
    }

    /**
     * The model an event makes some client's model for good at the end of its round, so that the
     * round's evaluation will score it: an updater's model (unless the updater also receives in that
     * round), a fused model. Initial models are not scored ahead: with N clients they are N - 2Q
     * models, made while the clients still make theirs, and scoring them then only slows that down
     * (bench-scale, N = 512); round 1's evaluation scores them.
     */
    private RunLedger.ClientModel finalModel(RoundMessage event) {
        if (event instanceof ModelPublished m && m.role() == ModelPublished.Role.UPDATER) {
            for (PeerPair p : ledger.schedule(m.round())) {
                if (p.receiver() == m.client()) {
                    return null;
                }
            }
            return new RunLedger.ClientModel(m.weights(), m.features());
        }
        if (event instanceof FusionCompleted f && f.ok() && f.fused() != null) {
            return new RunLedger.ClientModel(f.fused(), f.features());
        }
        return null;
    }

    /**
     * Scores the oldest model recorded that a round still to be evaluated will score (DJL thread), so
     * that little is left when the round's last outcome arrives. A model that fails to load is left
     * for its round's evaluation, which reports it.
     *
     * @return what was done, or null when nothing was waiting
     */
    public ScoredAhead scoreNextAhead(ExperimentData data) {
        RunLedger.ClientModel m;
        synchronized (ledger) {
            m = ahead.poll();
        }
        if (m == null) {
            return null;
        }
        long t0 = System.nanoTime();
        boolean scored;
        try {
            scored = scorer.scoreAhead(m, run.config(), data);
        } catch (ObjectStoreException | CodecException bad) {
            scored = false;
        }
        return new ScoredAhead(scored ? 1 : 0, System.nanoTime() - t0);
    }

    /** A model scored before its round completed: 1 or 0 models (known digest, or left for the round), and the time. */
    public record ScoredAhead(int modelsScored, long nanos) {
    }

    /** A round computed elsewhere (a replay's tool): taken if it is the next one. */
    public boolean accept(RoundEvaluated e) {
        if (e.round() != evaluated.size() + 1) {
            return false;
        }
        evaluated.add(e);
        return true;
    }

    /**
     * Scores every complete round not yet evaluated, in order, handing each to {@code published} as
     * soon as it is done.
     *
     * @throws RoundNotScored when a model of the round fails to load or verify
     */
    public void evaluateComplete(ExperimentData data, Instant now, Consumer<Scored> published) {
        int last;
        synchronized (ledger) {
            last = ledger.lastCompleteRound();
        }
        for (int r = evaluated.size() + 1; r <= last; r++) {
            List<RunLedger.ClientModel> models = new ArrayList<>();
            synchronized (ledger) {
                for (int i = 0; i < run.config().data().clients(); i++) {
                    models.add(ledger.current(i, r));
                }
            }
            long t0 = System.nanoTime();
            int before = scorer.modelsScored();
            RoundEvaluated e;
            try {
                e = scorer.evaluate(run.runId(), r, run.config(), models, data, now);
            } catch (ObjectStoreException | CodecException bad) {
                throw new RoundNotScored(r, bad);
            }
            evaluated.add(e);
            published.accept(new Scored(e, scorer.modelsScored() - before, System.nanoTime() - t0));
        }
    }

    public RunStarted run() {
        return run;
    }

    /**
     * What the log has said about the run's pairs so far: one result per pair with an outcome, in round and
     * schedule order (the rows of its pairs.csv), and the fusions announced (their workers and timings).
     */
    public record Pairs(List<PairResult> results, List<FusionCompleted> fusions) {
    }

    public Pairs pairs() {
        synchronized (ledger) {
            List<RoundMessage> outcomes = ledger.outcomes();
            return new Pairs(RunResult.ofLog(run.config(), List.of(), outcomes, ledger.models()).pairs(),
                    outcomes.stream().filter(FusionCompleted.class::isInstance).map(FusionCompleted.class::cast)
                            .toList());
        }
    }

    /** The rounds evaluated so far, 1..k without a gap. */
    public List<RoundEvaluated> evaluated() {
        return evaluated;
    }
}
