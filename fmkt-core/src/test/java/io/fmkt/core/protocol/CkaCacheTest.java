package io.fmkt.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.wire.BlobRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The incremental mean CKA of {@link RoundScorer} (Gram matrices per changed snapshot, pair values
 * per changed pair) gives the same bits as the plain all-pairs computation, round after round, while
 * reading each changed snapshot once.
 */
class CkaCacheTest {

    private static FeatureSnapshot snapshot(Random rnd, int probe) {
        long[][] shapes = new long[4][];
        float[][] maps = new float[4][];
        for (int s = 0; s < 4; s++) {
            shapes[s] = new long[] {probe, 2 + s, 3, 2};
            maps[s] = new float[probe * (2 + s) * 6];
            for (int t = 0; t < maps[s].length; t++) {
                maps[s][t] = (float) rnd.nextGaussian();
            }
        }
        return new FeatureSnapshot(shapes, maps);
    }

    @Test
    void incrementalMeanEqualsAllPairsEveryRound() {
        ModelStore store = new ModelStore(new InMemoryObjectStore());
        Random rnd = new Random(7);
        int n = 12;
        int probe = 5;
        BlobRef weights = store.putFeatures("r", snapshot(rnd, probe)); // any ref: weights are not read here
        FeatureSnapshot[] current = new FeatureSnapshot[n];
        BlobRef[] refs = new BlobRef[n];
        for (int i = 0; i < n; i++) {
            current[i] = snapshot(rnd, probe);
            refs[i] = i == 3 ? null : store.putFeatures("r", current[i]); // one client without a snapshot
        }
        RoundScorer.CkaCache cache = new RoundScorer.CkaCache();
        int expectedLoads = n - 1;
        for (int round = 0; round < 5; round++) {
            if (round > 0) {
                for (int k = 0; k < 3; k++) { // a few clients change per round
                    int i = rnd.nextInt(n);
                    current[i] = snapshot(rnd, probe);
                    refs[i] = store.putFeatures("r", current[i]);
                    expectedLoads++;
                }
            }
            List<RunLedger.ClientModel> models = new ArrayList<>();
            FeatureSnapshot[] visible = new FeatureSnapshot[n];
            for (int i = 0; i < n; i++) {
                models.add(new RunLedger.ClientModel(weights, refs[i]));
                visible[i] = refs[i] == null ? null : current[i];
            }
            double[] expected = meanCka(visible);
            double[] actual = cache.mean(models, store);
            assertArrayEquals(expected, actual, 0.0, "round " + round);
            for (int s = 0; s < 4; s++) {
                assertEquals(Double.doubleToRawLongBits(expected[s]), Double.doubleToRawLongBits(actual[s]));
            }
        }
        // a client that changes twice in one round is read once per change; a few changes may repeat a client
        org.junit.jupiter.api.Assertions.assertTrue(cache.loaded <= expectedLoads && cache.loaded >= n - 1,
                "snapshots read: " + cache.loaded);
    }

    /** The plain computation: per stage, the mean linear CKA over all pairs of clients with snapshots. */
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
