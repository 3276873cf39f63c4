package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.BlobRef;
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
    private final CkaCache cka = new CkaCache();

    public RoundScorer(ModelStore store) {
        this.store = store;
    }

    /** How many models were actually evaluated (not served from the digest cache). */
    public int modelsScored() {
        return scored;
    }

    /** How many feature snapshots were read from the store (each changed snapshot once). */
    public int snapshotsLoaded() {
        return cka.loaded;
    }

    public RoundEvaluated evaluate(RunLedger ledger, int round, ExperimentData data, Instant now) {
        List<RunLedger.ClientModel> models = new ArrayList<>();
        for (int i = 0; i < ledger.config().data().clients(); i++) {
            models.add(ledger.current(i, round));
        }
        return evaluate(ledger.runId(), round, ledger.config(), models, data, now);
    }

    /** Scores the given per-client models (client i = index i), e.g. a replay's state. */
    public RoundEvaluated evaluate(String runId, int round, ExperimentConfig c, List<RunLedger.ClientModel> models,
            ExperimentData data, Instant now) {
        double[] acc = new double[models.size()];
        String[] digests = new String[models.size()];
        for (int i = 0; i < models.size(); i++) {
            digests[i] = models.get(i).weights().sha256();
            acc[i] = score(models.get(i).weights(), c, data);
        }
        return RoundEvaluated.of(runId, round, acc, digests, cka.mean(models, store), data.test().size(), now);
    }

    /**
     * Scores a model before its round is complete, and prepares its feature snapshot's Gram matrices,
     * so that {@link #evaluate} finds both done. The same computation, only earlier: the round's
     * figures are the same bits.
     *
     * @return whether the model was scored now (false: its digest was known)
     */
    public boolean scoreAhead(RunLedger.ClientModel cm, ExperimentConfig c, ExperimentData data) {
        int before = scored;
        score(cm.weights(), c, data);
        if (cm.features() != null) {
            cka.prepare(cm.features(), store);
        }
        return scored > before;
    }

    private double score(BlobRef weights, ExperimentConfig c, ExperimentData data) {
        Double known = scoreByDigest.get(weights.sha256());
        if (known == null) {
            try (NDManager m = NDManager.newBaseManager();
                 ResNetModel model = store.loadModel(weights, m, c.width(), 10)) {
                known = Evaluator.evaluate(model, data.test(), Evaluator.DEFAULT_BATCH).percent();
            }
            scoreByDigest.put(weights.sha256(), known);
            scored++;
        }
        return known;
    }

    /**
     * The mean pairwise CKA, kept up to date across rounds: each client's centered Gram matrices are
     * computed when its snapshot changes, and a pair's CKA when either side changes, so a round costs
     * O(changed x N) small products instead of O(N^2) Gram matrices and N snapshot reads. The mean is
     * summed over all pairs in the same order as the plain all-pairs mean (CkaCacheTest), so the value is
     * the same bits.
     */
    static final class CkaCache {
        private String[] digest = new String[0];
        private double[][][][] grams = new double[0][][][];
        private double[][][] pair = new double[0][][]; // [i][j - i - 1][stage], j > i
        private final Map<String, double[][][]> prepared = new HashMap<>(); // by snapshot digest, until taken
        int loaded;

        /** Computes a snapshot's Gram matrices ahead of the round that will take them. */
        void prepare(BlobRef f, ModelStore store) {
            if (!prepared.containsKey(f.sha256()) && !java.util.Arrays.asList(digest).contains(f.sha256())) {
                prepared.put(f.sha256(), centeredGrams(store.loadFeatures(f)));
                loaded++;
            }
        }

        double[] mean(List<RunLedger.ClientModel> models, ModelStore store) {
            int n = models.size();
            if (digest.length != n) {
                digest = new String[n];
                grams = new double[n][][][];
                pair = new double[n][][];
            }
            boolean[] changed = new boolean[n];
            for (int i = 0; i < n; i++) {
                BlobRef f = models.get(i).features();
                String d = f == null ? null : f.sha256();
                if (!java.util.Objects.equals(d, digest[i]) || (d != null && grams[i] == null)) {
                    changed[i] = true;
                    digest[i] = d;
                    grams[i] = d == null ? null : prepared.remove(d);
                    if (d != null && grams[i] == null) {
                        grams[i] = centeredGrams(store.loadFeatures(f));
                        loaded++;
                    }
                }
            }
            double[] sum = new double[4];
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                if (pair[i] == null || pair[i].length != n - i - 1) {
                    pair[i] = new double[n - i - 1][];
                }
                for (int j = i + 1; j < n; j++) {
                    if (grams[i] == null || grams[j] == null) {
                        pair[i][j - i - 1] = null;
                        continue;
                    }
                    double[] v = pair[i][j - i - 1];
                    if (v == null || changed[i] || changed[j]) {
                        v = new double[4];
                        for (int s = 0; s < 4; s++) {
                            v[s] = Cka.linear(grams[i][s], grams[j][s]);
                        }
                        pair[i][j - i - 1] = v;
                    }
                    for (int s = 0; s < 4; s++) {
                        sum[s] += v[s];
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

        private static double[][][] centeredGrams(FeatureSnapshot f) {
            double[][][] g = new double[4][][];
            for (int s = 0; s < 4; s++) {
                g[s] = Cka.centeredGram(f.maps()[s], (int) f.shapes()[s][0]);
            }
            return g;
        }
    }
}
