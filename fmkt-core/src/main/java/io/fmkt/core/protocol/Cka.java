package io.fmkt.core.protocol;

/**
 * Linear centered kernel alignment (Kornblith et al. 2019) between two representations of the same
 * n probe images: CKA(X, Y) = <HKH, HLH> / (||HKH|| ||HLH||) with K = X X^T, L = Y Y^T and H the
 * centering matrix. Computed from the n x n Gram matrices, so wide feature maps cost little.
 */
public final class Cka {
    private Cka() {
    }

    /** @param x n rows of p values each (row-major), @param y n rows of q values each */
    public static double linear(float[] x, float[] y, int n) {
        return linear(centeredGram(x, n), centeredGram(y, n));
    }

    /** CKA from two centered Gram matrices ({@link #centeredGram}) of the same n probe images. */
    static double linear(double[][] k, double[][] l) {
        int n = k.length;
        double kl = 0;
        double kk = 0;
        double ll = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                kl += k[i][j] * l[i][j];
                kk += k[i][j] * k[i][j];
                ll += l[i][j] * l[i][j];
            }
        }
        return kk == 0 || ll == 0 ? 0 : kl / Math.sqrt(kk * ll);
    }

    static double[][] centeredGram(float[] x, int n) {
        if (x.length % n != 0) {
            throw new IllegalArgumentException(x.length + " values do not split into " + n + " rows");
        }
        int p = x.length / n;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int t = 0; t < p; t++) {
                    s += (double) x[i * p + t] * x[j * p + t];
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        double[] rowMean = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowMean[i] += g[i][j] / n;
            }
            total += rowMean[i] / n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = g[i][j] - rowMean[i] - rowMean[j] + total;
            }
        }
        return g;
    }
}
