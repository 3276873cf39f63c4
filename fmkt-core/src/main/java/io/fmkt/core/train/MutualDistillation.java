package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.numerics.ConvolutionSwitch;
import io.fmkt.core.model.StageOutputs;
import io.fmkt.core.config.KeepPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FM-kt fusion: the receiver's own model a and the received model b are trained together on the
 * receiver's data, each distilling from the other's detached outputs (Def-KT's mutual knowledge
 * transfer, plus feature-map terms).
 *
 * <p>Both losses are summed and back-propagated once: since each model sees its peer only through
 * detached outputs, d(L_a + L_b)/d(theta_a) = dL_a/d(theta_a), so one backward pass serves both
 * models. The sum is formed by {@link FmktLoss#computeMutual}, which computes each feature-map term
 * once.
 */
public final class MutualDistillation implements Fusion {
    private final FusionSettings s;

    public MutualDistillation(FusionSettings settings) {
        this.s = settings;
    }

    /**
     * Fuses in place: both models are updated. The caller keeps copies if it must roll back on
     * failure (a non-finite loss or weight: the step is recorded, nothing is thrown).
     */
    @Override
    public FusionResult fuse(ResNetModel own, ResNetModel received, ImageSet receiverData, SplittableRandom rng) {
        long start = System.nanoTime();
        ImageSet train = receiverData;
        ImageSet holdout = null;
        if (s.fusion().keep() == KeepPolicy.BEST) {
            ImageSet[] split = holdOut(receiverData, s.fusion().holdoutFraction(), rng);
            train = split[0];
            holdout = split[1];
        }
        FmktLoss loss = s.loss();
        int nStages = loss.layers().stages().length;
        double[] fmFirst = new double[nStages];
        double[] fmLast = new double[nStages];
        double lossAFirst = Double.NaN;
        double lossALast = Double.NaN;
        double lossBFirst = Double.NaN;
        double lossBLast = Double.NaN;
        double ceA = Double.NaN;
        double kdA = Double.NaN;
        int steps = 0;
        long images = 0;
        try (NDManager batchManager = NDManager.newBaseManager();
             Sgd sgdA = new Sgd(own.parameters(), s.sgd());
             Sgd sgdB = new Sgd(received.parameters(), s.sgd())) {
            for (int epoch = 0; epoch < s.fusion().epochs(); epoch++) {
                double sumA = 0;
                double sumB = 0;
                double sumCe = 0;
                double sumKd = 0;
                double[] sumFm = new double[nStages];
                int n = 0;
                List<int[]> order = BatchStream.epoch(train.size(), s.batchSize(), rng);
                try (BatchPrefetch batches = BatchStream.prefetch(train, order, s.augment(), rng)) {
                    for (int[] idx : order) {
                        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(own.width());
                             NDManager step = batchManager.newSubManager()) {
                            NDArray[] xy = BatchStream.tensors(step, batches.next());
                            float la;
                            float lb;
                            float[] fm = new float[nStages];
                            float ce;
                            float kd;
                            try (Autograd gc = Autograd.record()) {
                                StageOutputs outA = own.forward(xy[0], true);
                                StageOutputs outB = received.forward(xy[0], true);
                                FmktLoss.Mutual mutual = loss.computeMutual(outA, outB, xy[1]);
                                FmktLoss.Terms ta = mutual.a();
                                FmktLoss.Terms tb = mutual.b();
                                la = ta.total().getFloat();
                                lb = tb.total().getFloat();
                                ce = ta.ce().getFloat();
                                kd = ta.kd().getFloat();
                                for (int i = 0; i < nStages; i++) {
                                    fm[i] = ta.fm()[i].getFloat();
                                }
                                if (Float.isFinite(la) && Float.isFinite(lb)) {
                                    gc.backward(mutual.objective());
                                }
                            }
                            if (!Float.isFinite(la) || !Float.isFinite(lb)) {
                                sgdA.discardGradients();
                                sgdB.discardGradients();
                                return new FusionResult(s.fusion().keep(), steps, images, seconds(start),
                                        new FusionLosses(lossAFirst, la, lossBFirst, lb, ce, kd, fmFirst, fm2d(fm)), null,
                                        "non-finite fusion loss at epoch " + epoch + " step " + steps
                                                + " (L_a=" + la + ", L_b=" + lb + ", ce_a=" + ce + ", kd_a=" + kd
                                                + ", fm_a=" + Arrays.toString(fm) + ")");
                            }
                            sgdA.step();
                            sgdB.step();
                            sumA += la;
                            sumB += lb;
                            sumCe += ce;
                            sumKd += kd;
                            for (int i = 0; i < nStages; i++) {
                                sumFm[i] += fm[i];
                            }
                            n++;
                            steps++;
                            images += 2L * idx.length;
                        }
                    }
                }
                if (n == 0) {
                    continue;
                }
                for (int i = 0; i < nStages; i++) {
                    sumFm[i] /= n;
                }
                if (epoch == 0) {
                    lossAFirst = sumA / n;
                    lossBFirst = sumB / n;
                    fmFirst = sumFm.clone();
                }
                lossALast = sumA / n;
                lossBLast = sumB / n;
                ceA = sumCe / n;
                kdA = sumKd / n;
                fmLast = sumFm;
            }
        }
        String failure = !Weights.allFinite(own) ? "non-finite weights in the receiver's model after fusion"
                : !Weights.allFinite(received) ? "non-finite weights in the received model after fusion" : null;
        KeepPolicy kept = s.fusion().keep();
        double[] holdoutAcc = null;
        if (failure == null && s.fusion().keep() == KeepPolicy.BEST) {
            double accOwn = Evaluator.evaluate(own, holdout, s.batchSize()).percent();
            double accReceived = Evaluator.evaluate(received, holdout, s.batchSize()).percent();
            holdoutAcc = new double[] {accOwn, accReceived};
            kept = accOwn > accReceived ? KeepPolicy.OWN : KeepPolicy.RECEIVED;
        }
        return new FusionResult(kept, steps, images, seconds(start),
                new FusionLosses(lossAFirst, lossALast, lossBFirst, lossBLast, ceA, kdA, fmFirst, fmLast), holdoutAcc,
                failure);
    }

    private static double[] fm2d(float[] fm) {
        double[] d = new double[fm.length];
        for (int i = 0; i < fm.length; i++) {
            d[i] = fm[i];
        }
        return d;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** A seeded split into (train, hold-out) with at least one image in each. */
    static ImageSet[] holdOut(ImageSet data, double fraction, SplittableRandom rng) {
        if (data.size() < 2) {
            throw new IllegalArgumentException("keep=best needs >= 2 images to hold some out, got " + data.size());
        }
        int nHold = (int) Math.max(1, Math.min(data.size() - 1, Math.round(fraction * data.size())));
        int[] order = BatchStream.epoch(data.size(), data.size(), rng).get(0);
        return new ImageSet[] {
            data.select(Arrays.copyOfRange(order, nHold, order.length)),
            data.select(Arrays.copyOfRange(order, 0, nHold))
        };
    }
}
