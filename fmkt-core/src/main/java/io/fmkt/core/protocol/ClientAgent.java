package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.train.RoundSteps;
import io.fmkt.core.train.TrainResult;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The clients one process hosts in one run. There is no coordinator: each client computes the
 * round's schedule itself; an updater trains and publishes its model, a receiver asks for the
 * fusion of the received model with its own, and everyone moves on when the log shows all of the
 * round's outcomes. Every call returns the messages to publish (or hands each to the sink given
 * to {@link #publishEagerly} as soon as it exists); the caller does the I/O.
 *
 * <p>Not thread-safe: a service feeds one agent from one thread (DJL allows one autograd session
 * per process anyway).
 */
public final class ClientAgent {
    /** How many rounds beyond the first incomplete one a pair may act in (see {@link #advance}). */
    private static final int AHEAD = 1;
    private final String runId;
    private final ExperimentConfig config;
    private final SortedSet<Integer> hosted;
    private final ModelStore store;
    private final ExperimentData data;
    private final Duration deadline;
    private final RunLedger ledger;
    private final Set<Long> acted = new HashSet<>(); // (round, updater) this agent already trained
    private final Map<Long, Instant> fusionRequestedAt = new HashMap<>(); // (round, receiver)
    private Instant roundStartedAt;
    private int activeRound = -1;
    private Consumer<List<WireMessage>> eager;

    public ClientAgent(String runId, ExperimentConfig config, Set<Integer> hostedClients, ModelStore store,
            ExperimentData data, Duration deadline) {
        this.runId = runId;
        this.config = config;
        this.hosted = new TreeSet<>();
        for (int c : hostedClients) {
            if (c < config.data().clients()) {
                hosted.add(c);
            }
        }
        this.store = store;
        this.data = data;
        this.deadline = deadline;
        this.ledger = new RunLedger(runId, config);
    }

    /**
     * Hands each trained model and each fusion request to {@code sink} as soon as it exists, instead
     * of returning the round's messages together: a receiver's fusion can start while this process
     * trains its next updater. The messages and what follows from them are the same.
     */
    public void publishEagerly(Consumer<List<WireMessage>> sink) {
        this.eager = sink;
    }

    public SortedSet<Integer> hosted() {
        return hosted;
    }

    public RunLedger ledger() {
        return ledger;
    }

    /**
     * Round 0: every hosted client publishes its seeded initial model (unless the log already has it).
     * Round 1's pairs go first, each receiver then its updater, then round 2's, and a pair acts as soon
     * as its two clients' models are in: its step needs no other client's (see {@link #advance}).
     * Until round 1's pairs are all in, only round 1 acts: its steps hold up everything after it.
     */
    public List<WireMessage> start(Instant now) {
        List<WireMessage> out = new ArrayList<>();
        for (int c : initialOrder()) {
            if (ledger.model(0, c) != null) {
                continue;
            }
            List<WireMessage> one = new ArrayList<>();
            try (NDManager m = NDManager.newBaseManager();
                 ResNetModel model = ResNetModel.initialised(m, config.width(), 10,
                         ResNetModel.initSeed(config.schedule().seed(), c))) {
                ModelStore.Stored s = store.putModel(runId, model, () -> FeatureSnapshot.capture(model, data.probe()));
                emit(one, ModelPublished.initial(runId, c, s.weights(), s.features(), config.width(), 10));
            }
            apply(one);
            out.addAll(one);
            out.addAll(advance(now, true, earlyRoundOf(c)));
        }
        out.addAll(advance(now));
        return out;
    }

    /** The first early round ({@link #lastEarlyRound}) that {@code client} takes part in; else the last round. */
    private int earlyRoundOf(int client) {
        for (int r = 1; r <= lastEarlyRound(); r++) {
            for (PeerPair p : ledger.schedule(r)) {
                if (p.receiver() == client || p.updater() == client) {
                    return r;
                }
            }
        }
        return config.schedule().rounds();
    }

    /** Hosted clients: rounds 1 and 2's receivers and updaters pair by pair, then the others. */
    private List<Integer> initialOrder() {
        List<Integer> order = new ArrayList<>(earlyPairsFirst());
        order.retainAll(hosted);
        hosted.stream().filter(c -> !order.contains(c)).forEach(order::add);
        return order;
    }

    /** The rounds that can act before round 0 is complete: round 1 and those {@link #AHEAD} of it. */
    private int lastEarlyRound() {
        return Math.min(1 + AHEAD, config.schedule().rounds());
    }

    /** The clients of the rounds that can act before round 0 is complete, pair by pair. */
    private List<Integer> earlyPairsFirst() {
        Set<Integer> order = new java.util.LinkedHashSet<>();
        for (int r = 1; r <= lastEarlyRound(); r++) {
            for (PeerPair p : ledger.schedule(r)) {
                order.add(p.receiver());
                order.add(p.updater());
            }
        }
        return List.copyOf(order);
    }

    /**
     * Where this agent's first client comes in that order over the whole run: a process hosting
     * several agents of a run starts them by it, so that each early pair's receiver and updater are
     * in before other initial models are made, wherever they are hosted.
     */
    public int startRank() {
        List<Integer> first = earlyPairsFirst();
        int rank = Integer.MAX_VALUE;
        for (int c : hosted) {
            int i = first.indexOf(c);
            rank = Math.min(rank, i >= 0 ? i : first.size() + c);
        }
        return rank;
    }

    /**
     * Resume: takes in what the log already holds for this run (models and outcomes of earlier
     * rounds, in any order) without acting on it; the next {@link #start} then continues with the
     * first incomplete round and redoes nothing the log shows done. Since every step is a function
     * of (config, round, client) and the logged models, the continued run equals an uninterrupted one.
     */
    public void recover(List<? extends RoundMessage> logged) {
        logged.forEach(ledger::record);
    }

    /** A model or outcome read from the log. */
    public List<WireMessage> onEvent(RoundMessage event, Instant now) {
        return ledger.record(event) ? advance(now) : List.of();
    }

    /**
     * Acts on what the ledger holds now: for a caller that handed one event to several agents first
     * ({@link #recover}) and lets them act after, so that each acts knowing all of it.
     */
    public List<WireMessage> act(Instant now) {
        return advance(now);
    }

    private void apply(List<WireMessage> own) {
        for (WireMessage w : own) {
            if (w instanceof RoundMessage m) {
                ledger.record(m);
            }
        }
    }

    public boolean finished() {
        return ledger.lastCompleteRound() >= config.schedule().rounds();
    }

    /**
     * Only the cheap part of acting: asks for the fusions of hosted receivers whose updater's model
     * is in, and trains nobody. For a caller handing over a sibling's model in the middle of that
     * sibling's work, so that fusions start before further trainings, which the caller runs after.
     */
    public List<WireMessage> requestFusions(Instant now) {
        return advance(now, false, config.schedule().rounds());
    }

    private List<WireMessage> advance(Instant now) {
        return advance(now, true, config.schedule().rounds());
    }

    /**
     * Acts on the first incomplete round and the one after it: trains hosted updaters ({@code train})
     * and requests hosted receivers' fusions, pair by pair. A step needs only its own two clients'
     * models from the round before ({@link RunLedger#settled}), not the whole round: round 1's pairs
     * start before the other initial models are in, and the next round's first pairs train and fuse
     * while this round's last fusions run. Each step is still a function of (config, round, client)
     * and the same input models, so the numbers do not change. One round ahead at most: the rounds
     * stay the unit that is evaluated, timed out and resumed.
     *
     * @param upTo the last round that may act now ({@link #start}: round 1 until its pairs are all in)
     */
    private List<WireMessage> advance(Instant now, boolean train, int upTo) {
        List<WireMessage> out = new ArrayList<>();
        boolean moved = true;
        while (moved) {
            int done = ledger.lastCompleteRound();
            int first = Math.max(done, 0) + 1;
            if (first > config.schedule().rounds()) {
                return out;
            }
            if (done >= 0 && first != activeRound) { // round 1's deadlines run from round 0's completion
                activeRound = first;
                roundStartedAt = now;
            }
            moved = false;
            List<WireMessage> step = new ArrayList<>();
            for (int r = first; r <= Math.min(first + AHEAD, upTo); r++) {
                for (PeerPair p : ledger.schedule(r)) {
                    moved |= act(r, p, train, now, step);
                }
            }
            apply(step);
            out.addAll(step);
            moved |= ledger.lastCompleteRound() != done; // else: waiting for others
        }
        return out;
    }

    /** A pair's steps in round {@code r} that are this agent's and can go now; true if it took one. */
    private boolean act(int r, PeerPair p, boolean train, Instant now, List<WireMessage> step) {
        boolean acts = false;
        // Not when the log already has the update or the pair's outcome (a resumed run).
        if (train && hosted.contains(p.updater()) && ledger.model(r, p.updater()) == null
                && ledger.outcome(r, p.receiver()) == null && ledger.settled(p.updater(), r - 1)
                && acted.add(key(r, p.updater()))) {
            emit(step, update(r, p));
            acts = true;
        }
        if (hosted.contains(p.receiver()) && ledger.outcome(r, p.receiver()) == null
                && !fusionRequestedAt.containsKey(key(r, p.receiver())) && ledger.settled(p.receiver(), r - 1)) {
            ModelPublished received = ledger.model(r, p.updater());
            if (received != null) {
                fusionRequestedAt.put(key(r, p.receiver()), now);
                emit(step, new FusionRequested(runId, r, p.updater(), p.receiver(), received.weights(),
                        ledger.current(p.receiver(), r - 1).weights()));
                acts = true;
            }
        }
        return acts;
    }

    private void emit(List<WireMessage> step, WireMessage m) {
        if (eager == null) {
            step.add(m);
        } else {
            apply(List.of(m));
            eager.accept(List.of(m));
        }
    }

    private WireMessage update(int round, PeerPair p) {
        int u = p.updater();
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = store.loadModel(ledger.current(u, round - 1).weights(), m, config.width(), 10)) {
            long from = System.currentTimeMillis();
            TrainResult r = RoundSteps.localUpdate(config, round, u, model, data.shards().of(u));
            if (!r.ok()) {
                return PairSkipped.of(runId, round, p, "updater failed: " + r.failure());
            }
            ModelStore.Stored s = store.putModel(runId, model, () -> FeatureSnapshot.capture(model, data.probe()));
            return ModelPublished.trained(runId, round, u, s.weights(), s.features(), config.width(), 10, r, from);
        }
    }

    /**
     * Skips hosted receivers' pairs whose updater stayed silent, or whose fusion never came back,
     * past the deadline. The skip goes to the log like any outcome, so it is never hidden.
     */
    public List<WireMessage> checkDeadlines(Instant now) {
        List<WireMessage> out = new ArrayList<>();
        int r = ledger.lastCompleteRound() + 1;
        if (ledger.lastCompleteRound() < 0 || r > config.schedule().rounds() || roundStartedAt == null) {
            return out;
        }
        for (PeerPair p : ledger.schedule(r)) {
            long k = key(r, p.receiver());
            if (!hosted.contains(p.receiver()) || ledger.outcome(r, p.receiver()) != null) {
                continue;
            }
            Instant requested = fusionRequestedAt.get(k);
            // A fusion asked for while the round before was still running waits behind that round's.
            Instant since = requested == null || requested.isBefore(roundStartedAt) ? roundStartedAt : requested;
            if (Duration.between(since, now).compareTo(deadline) > 0) {
                String why = fusionRequestedAt.containsKey(k)
                        ? "no fusion result within " + deadline.toSeconds() + " s of the request"
                        : "updater " + p.updater() + " published no model within " + deadline.toSeconds() + " s";
                out.add(PairSkipped.of(runId, r, p, "deadline: " + why));
            }
        }
        apply(out);
        out.addAll(advance(now));
        return out;
    }

    private static long key(int round, int client) {
        return ((long) round << 32) | client;
    }
}
