package io.fmkt.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import io.fmkt.core.data.Augmentation;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.numerics.ConvolutionSwitch;
import java.util.SplittableRandom;

/**
 * A yardstick of {@code ./fmkt bench}: a plain DJL loop on the same network, data and augmentation,
 * with none of fmkt's machinery (stage taps read, own SGD, per-class accuracy, digests): DJL's Trainer
 * with softmax cross-entropy and SGD (momentum, weight decay). Evaluation is measured against
 * {@link MinimalLoop} only.
 */
final class PlainLoop {
    private PlainLoop() {
    }

    /** Training images per second over {@code steps} batches (after one warm-up batch). */
    static double train(int width, ImageSet data, int steps, int batch, io.fmkt.core.config.SgdSettings sgd) {
        // the kernels fmkt's own steps use at this width, so that the two compare like with like
        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(width);
             Model model = Model.newInstance("plain")) {
            model.setBlock(MinimalLoop.logitsOnly(width));
            try (Trainer trainer = model.newTrainer(MinimalLoop.trainingConfig(sgd))) {
                trainer.initialize(new Shape(batch, 3, 32, 32));
                SplittableRandom rng = new SplittableRandom(3);
                step(trainer, data, 0, batch, rng); // warm-up
                long t = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    step(trainer, data, s, batch, rng);
                }
                return steps * (double) batch / ((System.nanoTime() - t) / 1e9);
            }
        }
    }

    private static void step(Trainer trainer, ImageSet data, int s, int batch, SplittableRandom rng) {
        Batch b = BatchAssembler.assemble(data, MinimalLoop.cyclic(s * batch, batch, data.size()),
                Augmentation.CIFAR_STANDARD, rng);
        NDManager m = trainer.getManager().newSubManager();
        try (m) {
            NDArray x = m.create(b.images(), new Shape(b.n(), 3, 32, 32));
            NDArray y = m.create(b.labels());
            ai.djl.training.dataset.Batch batchOf = new ai.djl.training.dataset.Batch(m, new NDList(x), new NDList(y),
                    b.n(), null, null, 0, 1);
            EasyTrain.trainBatch(trainer, batchOf);
            trainer.step();
        }
    }
}
