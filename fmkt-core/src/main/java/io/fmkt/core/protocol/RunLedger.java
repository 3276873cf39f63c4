package io.fmkt.core.protocol;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log says about one run: the models published and the outcome of every scheduled pair.
 * Events may arrive in any order across topics and more than once; the ledger only answers
 * questions about rounds whose events are all in, so every reader derives the same state.
 * The first outcome recorded for a pair wins; a later, different one is reported, not applied.
 */
public final class RunLedger {
    private final String runId;
    private final ExperimentConfig config;
    private final Map<Long, ModelPublished> models = new HashMap<>(); // (round, client)
    private final Map<Long, RoundMessage> outcomes = new HashMap<>(); // (round, receiver)
    private final Map<Integer, List<PeerPair>> schedules = new HashMap<>();
    private int completeThrough = -1; // rounds only ever become complete: where lastCompleteRound resumes

    /** A client's model: weights and (optionally) its feature snapshot. */
    public record ClientModel(BlobRef weights, BlobRef features) {
    }

    public RunLedger(String runId, ExperimentConfig config) {
        this.runId = runId;
        this.config = config;
    }

    private static long key(int round, int client) {
        return ((long) round << 32) | client;
    }

    private void checkRun(RoundMessage m) {
        if (!m.runId().equals(runId)) {
            throw new IllegalArgumentException("message of run " + m.runId() + " given to the ledger of " + runId);
        }
    }

    private void checkClient(String what, int client) {
        if (client >= config.data().clients()) {
            throw new IllegalArgumentException(what + " " + client + " is outside 0.." + (config.data().clients() - 1)
                    + " for run " + runId);
        }
    }

    /**
     * Records a model ({@link ModelPublished}) or a pair's outcome ({@link FusionCompleted},
     * {@link PairSkipped}) as read from the log; any other message is not the ledger's and is ignored.
     *
     * @return true if the message was new to the ledger
     */
    public boolean record(RoundMessage m) {
        if (m instanceof ModelPublished mp) {
            return onModel(mp);
        }
        return (m instanceof FusionCompleted || m instanceof PairSkipped) && onOutcome(m);
    }

    /** @return false if an equal message was already recorded (a redelivery) */
    public boolean onModel(ModelPublished m) {
        checkRun(m);
        checkClient("client", m.client());
        ModelPublished prev = models.putIfAbsent(key(m.round(), m.client()), m);
        if (prev != null && !prev.weights().equals(m.weights())) {
            throw new IllegalStateException("client " + m.client() + " published two different models for round "
                    + m.round() + " of run " + runId + ": " + prev.weights().sha256() + " and " + m.weights().sha256());
        }
        return prev == null;
    }

    /**
     * Records a pair's outcome ({@link FusionCompleted} or {@link PairSkipped}).
     *
     * @return false if the pair already had an outcome (this one is then ignored)
     */
    public boolean onOutcome(RoundMessage m) {
        checkRun(m);
        int receiver = m instanceof FusionCompleted f ? f.receiver() : ((PairSkipped) m).receiver();
        int updater = m instanceof FusionCompleted f ? f.updater() : ((PairSkipped) m).updater();
        PeerPair expected = pairOf(m.round(), receiver);
        if (expected == null || expected.updater() != updater) {
            throw new IllegalArgumentException("pair " + updater + "->" + receiver + " is not scheduled in round "
                    + m.round() + " of run " + runId);
        }
        return outcomes.putIfAbsent(key(m.round(), receiver), m) == null;
    }

    public List<PeerPair> schedule(int round) {
        return schedules.computeIfAbsent(round, r -> PeerSchedule.pairs(config.schedule().seed(), r,
                config.data().clients(), config.schedule().pairs()));
    }

    private PeerPair pairOf(int round, int receiver) {
        if (round < 1 || round > config.schedule().rounds()) {
            return null;
        }
        return schedule(round).stream().filter(p -> p.receiver() == receiver).findFirst().orElse(null);
    }

    /** Every model recorded, in no particular order. */
    public List<ModelPublished> models() {
        return List.copyOf(models.values());
    }

    /** Every pair's outcome recorded (the first for each pair), in no particular order. */
    public List<RoundMessage> outcomes() {
        return List.copyOf(outcomes.values());
    }

    public ModelPublished model(int round, int client) {
        return models.get(key(round, client));
    }

    public RoundMessage outcome(int round, int receiver) {
        return outcomes.get(key(round, receiver));
    }

    /**
     * Round r is complete when rounds before it are, every client's initial model is known, every
     * pair has an outcome, and every fused pair's updater model has been seen (it changes that
     * client's state too).
     */
    public boolean complete(int round) {
        if (round == 0) {
            for (int c = 0; c < config.data().clients(); c++) {
                if (model(0, c) == null) {
                    return false;
                }
            }
            return true;
        }
        for (PeerPair p : schedule(round)) {
            RoundMessage o = outcome(round, p.receiver());
            if (o == null || (o instanceof FusionCompleted && model(round, p.updater()) == null)) {
                return false;
            }
        }
        return true;
    }

    /** The highest r such that rounds 0..r are complete; -1 if the initial models are not all in. */
    public int lastCompleteRound() {
        int r = completeThrough;
        while (r < config.schedule().rounds() && complete(r + 1)) {
            r++;
        }
        completeThrough = r;
        return r;
    }

    /**
     * Whether a client's model after round {@code round} is known for good: its initial model is in
     * and, in every round up to {@code round}, its own part is done: as a receiver, the pair has an
     * outcome; as an updater, its model is in (or the pair was skipped). A step of round + 1 that
     * needs this client's model can then start before the round is complete, with the same result.
     */
    public boolean settled(int client, int round) {
        if (model(0, client) == null) {
            return false;
        }
        for (int r = Math.max(lastCompleteRound(), 0) + 1; r <= round; r++) {
            for (PeerPair p : schedule(r)) {
                if (p.receiver() == client && outcome(r, client) == null) {
                    return false;
                }
                if (p.updater() == client && model(r, client) == null && !(outcome(r, p.receiver()) instanceof PairSkipped)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A client's model after round {@code round} (0 = initial). An updater's new model counts from
     * the round it was published in, a receiver's from its successful fusion.
     */
    public ClientModel current(int client, int round) {
        ModelPublished initial = model(0, client);
        if (initial == null) {
            return null;
        }
        ClientModel m = new ClientModel(initial.weights(), initial.features());
        for (int r = 1; r <= round; r++) {
            ModelPublished trained = model(r, client);
            if (trained != null && trained.role() == ModelPublished.Role.UPDATER) {
                m = new ClientModel(trained.weights(), trained.features());
            }
            if (outcome(r, client) instanceof FusionCompleted f && f.ok()) {
                m = new ClientModel(f.fused(), f.features());
            }
        }
        return m;
    }

    public ExperimentConfig config() {
        return config;
    }

    public String runId() {
        return runId;
    }
}
