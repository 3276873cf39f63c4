package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.NoGrad;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.numerics.ConvolutionSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Accuracy of a model on a labelled set: batched inference, BatchNorm in eval mode, no gradients. */
public final class Evaluator {
    /**
     * One batch size for every evaluation: kernels may round differently for other batch shapes. 64 is
     * the fastest across widths 16 and 64 measured on an Intel Xeon (within noise of 128 at width 16,
     * 1.4x faster than 256 at width 64) and on an AMD EPYC Zen 5 (2.5 to 6x faster than 500), where a
     * large batch's activations spill the caches (docs/BENCHMARKS.md, issue 25). It was 256 before.
     */
    public static final int DEFAULT_BATCH = 64;

    private Evaluator() {
    }

    public record Accuracy(int correct, int total, int[] correctPerClass, int[] totalPerClass) {
        /** In percent. */
        public double percent() {
            return total == 0 ? 0 : 100.0 * correct / total;
        }

        /** In percent; NaN for a class absent from the set. */
        public double classPercent(int c) {
            return totalPerClass[c] == 0 ? Double.NaN : 100.0 * correctPerClass[c] / totalPerClass[c];
        }
    }

    public static Accuracy evaluate(ResNetModel model, ImageSet data, int batchSize) {
        int classes = model.classes();
        int[] correctPer = new int[classes];
        int[] totalPer = new int[classes];
        int correct = 0;
        List<int[]> order = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            order.add(IntStream.range(from, Math.min(data.size(), from + batchSize)).toArray());
        }
        try (NoGrad ignored = NoGrad.enter(); NDManager manager = NDManager.newBaseManager();
             BatchPrefetch batches = BatchStream.prefetch(data, order, false, null)) {
            for (int[] idx : order) {
                int n = idx.length;
                try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(model.width());
                     NDManager step = manager.newSubManager()) {
                    NDArray[] xy = BatchStream.tensors(step, batches.next());
                    long[] predicted = model.forward(xy[0], false).logits().argMax(1).toLongArray();
                    for (int k = 0; k < n; k++) {
                        int y = data.label(idx[k]);
                        totalPer[y]++;
                        if (predicted[k] == y) {
                            correctPer[y]++;
                            correct++;
                        }
                    }
                }
            }
        }
        return new Accuracy(correct, data.size(), correctPer, totalPer);
    }

    /** The eval-mode logits of the first {@code n} images, row-major (n x classes). */
    public static float[] logits(ResNetModel model, ImageSet data, int n) {
        int[] idx = new int[Math.min(n, data.size())];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(model.width());
             NoGrad ignored = NoGrad.enter(); NDManager manager = NDManager.newBaseManager()) {
            NDArray[] xy = BatchStream.tensors(manager, data, idx, false, null);
            return model.forward(xy[0], false).logits().toFloatArray();
        }
    }
}
