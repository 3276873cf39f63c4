package io.fmkt.core.simulator;

import io.fmkt.core.results.PairOutcome;
import io.fmkt.core.results.RoundSummary;
import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.train.Fusion;
import io.fmkt.core.train.KernelGate;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.RoundSteps;
import io.fmkt.core.train.TrainResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A whole DFL experiment in one process, no Kafka: the reference the distributed services must
 * match number for number. Per round: the schedule picks Q updater->receiver pairs; updaters train
 * locally; each receiver fuses the received model with its own; then every client's current model
 * is scored on the test set (only the models that changed are re-scored), on another thread while the
 * next round trains.
 */
public final class Simulator {

    private Simulator() {
    }

    public static List<RoundSummary> run(ExperimentConfig c, ExperimentData data, Consumer<RoundSummary> onRound) {
        NumericsSetup.apply(c.numerics()); // before the first tensor: libtorch reads it once
        KernelGate.require(c); // wrong kernels refuse the run here, before anything is trained
        Fusion fusion = Fusion.of(c);
        List<RoundSummary> rounds = new ArrayList<>();
        int n = c.data().clients();
        ExecutorService fusions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fmkt-fusion");
            t.setDaemon(true);
            return t;
        });
        // Round r is scored while round r + 1 trains: a round's models are copied as they end it.
        try (NDManager manager = NDManager.newBaseManager();
             BackgroundScoring scoring = new BackgroundScoring(data.test(), Math.max(8, 2 * c.schedule().pairs()))) {
            ResNetModel[] models = new ResNetModel[n];
            double[] accuracy = new double[n];
            for (int i = 0; i < models.length; i++) {
                models[i] = ResNetModel.initialised(manager, c.width(), 10, ResNetModel.initSeed(c.schedule().seed(),
                        i));
                accuracy[i] = Double.NaN;
            }
            // Initial models that round 1 leaves alone are scored now, beside round 1's training.
            Map<Integer, Future<Double>> initial = new HashMap<>();
            Set<Integer> touched = new HashSet<>();
            for (PeerPair p : PeerSchedule.pairs(c.schedule().seed(), 1, n, c.schedule().pairs())) {
                touched.add(p.updater());
                touched.add(p.receiver());
            }
            for (int i = 0; i < n; i++) {
                if (!touched.contains(i)) {
                    initial.put(i, scoring.submit(models[i]));
                }
            }
            Round scored = null; // the round whose scores are being computed
            for (int r = 1; r <= c.schedule().rounds(); r++) {
                long t0 = System.nanoTime();
                List<PeerPair> schedule = PeerSchedule.pairs(c.schedule().seed(), r, n, c.schedule().pairs());
                boolean[] changed = new boolean[n];
                // Pair k fuses on the fusion thread while pair k + 1's updater trains here: a round's pairs
                // are disjoint, so the two touch different clients' models.
                List<Future<PairOutcome>> fused = new ArrayList<>();
                for (PeerPair pair : schedule) {
                    int u = pair.updater();
                    int v = pair.receiver();
                    float[][] before = models[u].values();
                    TrainResult local = RoundSteps.localUpdate(c, r, u, models[u], data.shards().of(u));
                    if (!local.ok()) {
                        models[u].setValues(before); // never keep (or send) a diverged model
                        fused.add(CompletableFuture.completedFuture(
                                new PairOutcome(u, v, local, null, "updater failed: " + local.failure())));
                        continue;
                    }
                    changed[u] = true;
                    int round = r;
                    fused.add(fusions.submit(() -> {
                        try (NDManager m = NDManager.newBaseManager();
                             ResNetModel own = copy(m, models[v]);
                             ResNetModel received = copy(m, models[u])) {
                            FusionResult f = RoundSteps.fuse(c, fusion, round, v, own, received, data.shards().of(v));
                            if (f.ok()) {
                                models[v].copyFrom(f.kept() == KeepPolicy.OWN ? own : received);
                            }
                            return new PairOutcome(u, v, local, f, null);
                        }
                    }));
                }
                long t1 = System.nanoTime();
                List<PairOutcome> outcomes = new ArrayList<>();
                for (Future<PairOutcome> f : fused) {
                    PairOutcome o = BackgroundScoring.await(f);
                    if (o.fused()) {
                        changed[o.receiver()] = true;
                    }
                    outcomes.add(o);
                }
                long t2 = System.nanoTime();
                Round now = new Round(r, outcomes, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                for (int i = 0; i < n; i++) {
                    Future<Double> early = r == 1 ? initial.get(i) : null;
                    if (early != null) {
                        now.scores.put(i, early);
                    } else if (changed[i] || Double.isNaN(accuracy[i]) && r == 1) {
                        now.scores.put(i, scoring.submit(models[i]));
                    }
                }
                if (scored != null) {
                    rounds.add(scored.summary(accuracy, onRound));
                }
                scored = now;
            }
            if (scored != null) {
                rounds.add(scored.summary(accuracy, onRound));
            }
            for (ResNetModel m : models) {
                m.close();
            }
        } finally {
            fusions.shutdownNow();
        }
        return rounds;
    }

    /** A round whose models are being scored: its outcomes and timers, and a score per changed model. */
    private static final class Round {
        final int round;
        final List<PairOutcome> outcomes;
        final double localSeconds;
        final double fusionSeconds;
        final Map<Integer, Future<Double>> scores = new TreeMap<>();

        Round(int round, List<PairOutcome> outcomes, double localSeconds, double fusionSeconds) {
            this.round = round;
            this.outcomes = outcomes;
            this.localSeconds = localSeconds;
            this.fusionSeconds = fusionSeconds;
        }

        /**
         * Waits for the scores, applies them to {@code accuracy} (unchanged models keep theirs) and reports.
         * The round's evaluation time is how long the run waited for them: scoring beside the next round's
         * training holds nothing up, so the three timers still add up to the wall time.
         */
        RoundSummary summary(double[] accuracy, Consumer<RoundSummary> onRound) {
            long waited = System.nanoTime();
            for (Map.Entry<Integer, Future<Double>> e : scores.entrySet()) {
                accuracy[e.getKey()] = BackgroundScoring.await(e.getValue());
            }
            double evalSeconds = (System.nanoTime() - waited) / 1e9;
            RoundSummary s = RoundSummary.of(round, accuracy, outcomes, localSeconds, fusionSeconds, evalSeconds);
            onRound.accept(s);
            return s;
        }
    }

    private static ResNetModel copy(NDManager manager, ResNetModel m) {
        ResNetModel c = ResNetModel.blank(manager, m.width(), m.classes());
        c.copyFrom(m);
        return c;
    }
}
