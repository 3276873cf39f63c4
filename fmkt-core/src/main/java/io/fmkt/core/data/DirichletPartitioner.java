package io.fmkt.core.data;

import io.fmkt.core.numerics.Seeds;
import java.util.SplittableRandom;

/**
 * Label-skew split: for each class independently, client proportions p ~ Dirichlet(alpha, ..., alpha)
 * and the class's shuffled images are cut at the rounded cumulative proportions. Small alpha gives
 * clients dominated by a few classes; large alpha approaches an even stratified split. Clients may
 * end up with few or no images (no resampling, so the result stays a plain function of the seed).
 */
public record DirichletPartitioner(double alpha) implements Partitioner {

    public DirichletPartitioner {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("dirichlet: alpha must be a finite number > 0, got " + alpha);
        }
    }

    @Override
    public Partition split(TrainingImages train, int clients, long runSeed) {
        Partitioners.requireClients(clients);
        int[][] byClass = Partitioners.shuffledIndicesByClass(train, runSeed);
        Partitioners.Builder out = new Partitioners.Builder(clients);
        for (int cls = 0; cls < ImageSet.NUM_CLASSES; cls++) {
            double[] p = proportions(clients, Seeds.rng(runSeed, Seeds.Purpose.PARTITION, Partitioners.STREAM_DIRICHLET, cls));
            int n = byClass[cls].length;
            double cumulative = 0;
            int from = 0;
            for (int c = 0; c < clients; c++) {
                cumulative += p[c];
                // The last cut is forced to n so rounding can never drop or duplicate an image.
                int to = c == clients - 1 ? n : (int) Math.min(n, Math.round(cumulative * n));
                to = Math.max(to, from);
                out.add(c, byClass[cls], from, to);
                from = to;
            }
        }
        return out.build();
    }

    /**
     * One Dirichlet(alpha) draw as normalised Gamma(alpha) variates. Works on log-gammas: for small
     * alpha the Gamma samples underflow to 0 in linear space and the normalisation would divide 0 by 0.
     */
    double[] proportions(int clients, SplittableRandom rng) {
        double[] logG = new double[clients];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < clients; c++) {
            logG[c] = logGamma(alpha, rng);
            max = Math.max(max, logG[c]);
        }
        double sum = 0;
        double[] p = new double[clients];
        for (int c = 0; c < clients; c++) {
            p[c] = Math.exp(logG[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < clients; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** log of a Gamma(shape, 1) sample; shape < 1 uses the boost Gamma(shape) = Gamma(shape+1) * U^(1/shape). */
    static double logGamma(double shape, SplittableRandom rng) {
        if (shape >= 1) {
            return Math.log(marsagliaTsang(shape, rng));
        }
        double u = 1.0 - rng.nextDouble(); // in (0, 1]: log is finite
        return Math.log(marsagliaTsang(shape + 1, rng)) + Math.log(u) / shape;
    }

    /** Marsaglia &amp; Tsang (2000) Gamma(shape >= 1, 1) sampler by squeeze-accepted transformed normals. */
    static double marsagliaTsang(double shape, SplittableRandom rng) {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = gaussian(rng);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.nextDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x * x + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** Standard normal by Box-Muller: our own, so the draws do not depend on the JDK's nextGaussian algorithm. */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    @Override
    public String toString() {
        return "dirichlet:" + alpha;
    }
}
