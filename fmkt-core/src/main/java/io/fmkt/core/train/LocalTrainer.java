package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.loss.CrossEntropy;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.numerics.ConvolutionSwitch;
import io.fmkt.core.config.TrainingConfig;
import java.util.List;
import java.util.SplittableRandom;

/** Local training of one client's model on its own data: plain cross-entropy with SGD. */
public final class LocalTrainer {
    private LocalTrainer() {
    }

    /**
     * Trains {@code model} in place. On a non-finite loss it stops at once and reports the step;
     * the caller decides what to keep (the model may then hold a partly updated state).
     *
     * @param rng the client's stream for this round: shuffles and augmentation
     */
    public static TrainResult train(ResNetModel model, ImageSet data, TrainingConfig s, SplittableRandom rng) {
        long start = System.nanoTime();
        double lossSum = 0;
        double firstEpochLoss = Double.NaN;
        int steps = 0;
        long images = 0;
        try (NDManager batchManager = NDManager.newBaseManager();
             Sgd sgd = new Sgd(model.parameters(), s.sgd())) {
            for (int epoch = 0; epoch < s.epochs(); epoch++) {
                double epochSum = 0;
                int epochSteps = 0;
                List<int[]> order = BatchStream.epoch(data.size(), s.batchSize(), rng);
                try (BatchPrefetch batches = BatchStream.prefetch(data, order, s.augment(), rng)) {
                    for (int[] idx : order) {
                        // A sub-manager per step frees the batch and every activation of the graph
                        // (DJL keeps them alive otherwise: ~130 MB per step at width 64). A kernel lease per
                        // step, forward to backward: work of another width in this process waits one step.
                        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(model.width());
                             NDManager step = batchManager.newSubManager()) {
                            NDArray[] xy = BatchStream.tensors(step, batches.next());
                            float loss;
                            try (Autograd gc = Autograd.record()) {
                                NDArray l = CrossEntropy.loss(model.forward(xy[0], true).logits(), xy[1]);
                                loss = l.getFloat();
                                if (Float.isFinite(loss)) {
                                    gc.backward(l);
                                }
                            }
                            if (!Float.isFinite(loss)) {
                                sgd.discardGradients();
                                return TrainResult.failed(steps, images, lossSum, start,
                                        "non-finite training loss " + loss + " at step " + steps);
                            }
                            sgd.step();
                            epochSum += loss;
                            epochSteps++;
                            lossSum += loss;
                            steps++;
                            images += idx.length;
                        }
                    }
                }
                if (epoch == 0) {
                    firstEpochLoss = epochSteps == 0 ? Double.NaN : epochSum / epochSteps;
                }
            }
        }
        if (!Weights.allFinite(model)) {
            return TrainResult.failed(steps, images, lossSum, start, "non-finite weights after training");
        }
        return new TrainResult(steps, images, steps == 0 ? Double.NaN : lossSum / steps, firstEpochLoss,
                (System.nanoTime() - start) / 1e9, null);
    }
}
