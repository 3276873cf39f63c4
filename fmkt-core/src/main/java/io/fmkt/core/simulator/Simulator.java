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
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.train.Fusion;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.RoundSteps;
import io.fmkt.core.train.TrainResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A whole DFL experiment in one process, no Kafka: the reference the distributed services must
 * match number for number. Per round: the schedule picks Q updater->receiver pairs; updaters train
 * locally; each receiver fuses the received model with its own; then every client's current model
 * is scored on the test set (only the models that changed are re-scored).
 */
public final class Simulator {

    private Simulator() {
    }

    public static List<RoundSummary> run(ExperimentConfig c, ExperimentData data, Consumer<RoundSummary> onRound) {
        NumericsSetup.apply(c.numerics()); // before the first tensor: libtorch reads it once
        Fusion fusion = Fusion.of(c);
        List<RoundSummary> rounds = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            ResNetModel[] models = new ResNetModel[c.data().clients()];
            double[] accuracy = new double[c.data().clients()];
            for (int i = 0; i < models.length; i++) {
                models[i] = ResNetModel.initialised(manager, c.width(), 10, ResNetModel.initSeed(c.schedule().seed(),
                        i));
                accuracy[i] = Double.NaN;
            }
            for (int r = 1; r <= c.schedule().rounds(); r++) {
                long t0 = System.nanoTime();
                List<PeerPair> schedule = PeerSchedule.pairs(c.schedule().seed(), r, c.data().clients(),
                        c.schedule().pairs());
                boolean[] changed = new boolean[c.data().clients()];
                TrainResult[] local = new TrainResult[schedule.size()];
                for (int k = 0; k < schedule.size(); k++) {
                    int u = schedule.get(k).updater();
                    float[][] before = models[u].values();
                    local[k] = RoundSteps.localUpdate(c, r, u, models[u], data.shards().of(u));
                    if (local[k].ok()) {
                        changed[u] = true;
                    } else {
                        models[u].setValues(before); // never keep (or send) a diverged model
                    }
                }
                long t1 = System.nanoTime();
                List<PairOutcome> outcomes = new ArrayList<>();
                for (int k = 0; k < schedule.size(); k++) {
                    int u = schedule.get(k).updater();
                    int v = schedule.get(k).receiver();
                    if (!local[k].ok()) {
                        outcomes.add(new PairOutcome(u, v, local[k], null, "updater failed: " + local[k].failure()));
                        continue;
                    }
                    try (ResNetModel own = copy(manager, models[v]);
                         ResNetModel received = copy(manager, models[u])) {
                        FusionResult f = RoundSteps.fuse(c, fusion, r, v, own, received, data.shards().of(v));
                        if (f.ok()) {
                            models[v].copyFrom(f.kept() == KeepPolicy.OWN ? own : received);
                            changed[v] = true;
                        }
                        outcomes.add(new PairOutcome(u, v, local[k], f, null));
                    }
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < models.length; i++) {
                    if (changed[i] || Double.isNaN(accuracy[i])) {
                        accuracy[i] = Evaluator.evaluate(models[i], data.test(), Evaluator.DEFAULT_BATCH).percent();
                    }
                }
                long t3 = System.nanoTime();
                RoundSummary s = RoundSummary.of(r, accuracy, outcomes, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                        (t3 - t2) / 1e9);
                rounds.add(s);
                onRound.accept(s);
            }
            for (ResNetModel m : models) {
                m.close();
            }
        }
        return rounds;
    }

    private static ResNetModel copy(NDManager manager, ResNetModel m) {
        ResNetModel c = ResNetModel.blank(manager, m.width(), m.classes());
        c.copyFrom(m);
        return c;
    }
}
