package io.fmkt.core.data;

import static io.fmkt.core.data.SyntheticImages.cycling;
import static io.fmkt.core.data.SyntheticImages.heldOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DirichletPartitionerTest {
    private static final ImageSet TRAIN = cycling(2000); // 200 images per class
    private static final long SEED = 7;

    @Test
    void clientsAreDisjointAndCoverAllImages() {
        for (double alpha : new double[] {0.01, 0.5, 100}) {
            Partition p = new DirichletPartitioner(alpha).split(TRAIN, 10, SEED);
            assertThat(heldOnce(p, TRAIN).cardinality()).as("alpha %s", alpha).isEqualTo(TRAIN.size());
        }
    }

    /**
     * Skew statistic: the mean, over clients, of the total-variation distance between the client's
     * class distribution and the (uniform) global one; 0 = perfectly stratified, 0.9 = single class.
     */
    static double meanLabelSkew(Partition p, ImageSet train) {
        double sum = 0;
        int counted = 0;
        for (int[] row : p.histogram(train)) {
            int n = java.util.Arrays.stream(row).sum();
            if (n == 0) {
                continue;
            }
            double tv = 0;
            for (int x : row) {
                tv += Math.abs((double) x / n - 1.0 / ImageSet.NUM_CLASSES);
            }
            sum += tv / 2;
            counted++;
        }
        return sum / counted;
    }

    @Test
    void smallAlphaGivesSkewedClientsAndLargeAlphaNearlyUniformOnes() {
        double skewed = meanLabelSkew(new DirichletPartitioner(0.1).split(TRAIN, 10, SEED), TRAIN);
        double even = meanLabelSkew(new DirichletPartitioner(1000).split(TRAIN, 10, SEED), TRAIN);
        // alpha=1000: each share ~ 20 +- 0.6 images, so TV is a few percent; alpha=0.1: clients are
        // dominated by 1-3 classes, TV well above 0.5 (single-class clients reach 0.9).
        assertThat(skewed).isGreaterThan(0.5);
        assertThat(even).isLessThan(0.05);
    }

    @Test
    void sameSeedGivesSamePartitionAndAnotherSeedADifferentOne() {
        DirichletPartitioner d = new DirichletPartitioner(0.5);
        assertThat(d.split(TRAIN, 10, SEED)).isEqualTo(d.split(TRAIN, 10, SEED));
        assertThat(d.split(TRAIN, 10, SEED + 1)).isNotEqualTo(d.split(TRAIN, 10, SEED));
    }

    @Test
    void gammaSamplerHasTheRightMeanAndVariance() {
        // Gamma(a,1): mean a, variance a. 20,000 draws: standard error of the mean sqrt(a/20000).
        for (double a : new double[] {0.3, 1.0, 4.5}) {
            SplittableRandom rng = new SplittableRandom(1);
            int n = 20_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.exp(DirichletPartitioner.logGamma(a, rng));
                sum += g;
                sumSq += g * g;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            assertThat(mean).as("mean for a=%s", a).isCloseTo(a, org.assertj.core.data.Offset.offset(5 * Math.sqrt(a / n)));
            assertThat(var).as("variance for a=%s", a).isCloseTo(a, org.assertj.core.data.Percentage.withPercentage(10));
        }
    }

    @Test
    void tinyAlphaStillGivesValidProportions() {
        double[] p = new DirichletPartitioner(1e-4).proportions(10, new SplittableRandom(3));
        assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(java.util.Arrays.stream(p).boxed()).allSatisfy(x -> assertThat(x).isBetween(0.0, 1.0));
    }

    @Test
    void nonPositiveAlphaIsRejected() {
        assertThatThrownBy(() -> new DirichletPartitioner(0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new DirichletPartitioner(-1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new DirichletPartitioner(Double.NaN)).hasMessageContaining("alpha");
    }
}
