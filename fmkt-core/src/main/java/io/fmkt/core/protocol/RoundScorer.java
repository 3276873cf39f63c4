package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.RoundEvaluated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Global accuracy after a complete round: every client's current model on the test set. A model is
 * scored once per digest (most clients do not change in a round), then its score is reused.
 * Also the layer-wise linear CKA between clients' feature snapshots, averaged over client pairs.
 */
public final class RoundScorer {
    private final ModelStore store;
    private final Map<String, Double> scoreByDigest = new HashMap<>();
    private int scored;

    public RoundScorer(ModelStore store) {
        this.store = store;
    }

    /** How many models were actually evaluated (not served from the digest cache). */
    public int modelsScored() {
        return scored;
    }

    public RoundEvaluated evaluate(RunLedger ledger, int round, ExperimentData data, Instant now) {
        List<RunLedger.ClientModel> models = new ArrayList<>();
        for (int i = 0; i < ledger.config().clients(); i++) {
            models.add(ledger.current(i, round));
        }
        return evaluate(ledger.runId(), round, ledger.config(), models, data, now);
    }

    /** Scores the given per-client models (client i = index i), e.g. a replay's state. */
    public RoundEvaluated evaluate(String runId, int round, ExperimentConfig c, List<RunLedger.ClientModel> models,
            ExperimentData data, Instant now) {
        double[] acc = new double[models.size()];
        String[] digests = new String[models.size()];
        FeatureSnapshot[] snapshots = new FeatureSnapshot[models.size()];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < models.size(); i++) {
                RunLedger.ClientModel cm = models.get(i);
                digests[i] = cm.weights().sha256();
                Double known = scoreByDigest.get(digests[i]);
                if (known == null) {
                    try (ResNetModel model = store.loadModel(cm.weights(), m, c.width(), 10)) {
                        known = Evaluator.evaluate(model, data.test(), Evaluator.DEFAULT_BATCH).percent();
                    }
                    scoreByDigest.put(digests[i], known);
                    scored++;
                }
                acc[i] = known;
                snapshots[i] = cm.features() == null ? null : store.loadFeatures(cm.features());
            }
        }
        return RoundEvaluated.of(runId, round, acc, digests, meanCka(snapshots), data.test().size(), now);
    }

    /** Per stage, the mean linear CKA over all pairs of clients that have snapshots; null if fewer than two. */
    static double[] meanCka(FeatureSnapshot[] snapshots) {
        double[] sum = new double[4];
        int pairs = 0;
        for (int i = 0; i < snapshots.length; i++) {
            for (int j = i + 1; j < snapshots.length; j++) {
                if (snapshots[i] == null || snapshots[j] == null) {
                    continue;
                }
                for (int s = 0; s < 4; s++) {
                    int n = (int) snapshots[i].shapes()[s][0];
                    sum[s] += Cka.linear(snapshots[i].maps()[s], snapshots[j].maps()[s], n);
                }
                pairs++;
            }
        }
        if (pairs == 0) {
            return null;
        }
        for (int s = 0; s < 4; s++) {
            sum[s] /= pairs;
        }
        return sum;
    }
}
