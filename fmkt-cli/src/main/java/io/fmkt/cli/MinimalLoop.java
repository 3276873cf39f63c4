package io.fmkt.cli;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import io.fmkt.core.config.SgdSettings;
import io.fmkt.core.data.Augmentation;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.CifarResNet18;
import io.fmkt.core.numerics.ConvolutionSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The leanest yardstick of {@code ./fmkt bench}: what DJL alone does with the same network, and
 * nothing else. Every batch is assembled (augmented, normalised) and made a tensor before the clock
 * starts, so only DJL's Trainer (forward, backward, SGD step) or Predictor is timed. It shares none
 * of fmkt's machinery, not even {@link PlainLoop}'s per-step batch assembly.
 */
final class MinimalLoop {
    private MinimalLoop() {
    }

    /** Training images per second over {@code steps} batches of {@code batch} (after one warm-up step). */
    static double train(int width, ImageSet data, int steps, int batch, SgdSettings sgd) {
        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(width);
             Model model = Model.newInstance("minimal")) {
            model.setBlock(logitsOnly(width));
            try (Trainer trainer = model.newTrainer(trainingConfig(sgd))) {
                trainer.initialize(new Shape(batch, 3, 32, 32));
                // one manager per batch: closing it after the step frees the graph the step built on it
                List<NDManager> owners = new ArrayList<>();
                List<NDList[]> batches = new ArrayList<>();
                for (int s = 0; s <= steps; s++) {
                    owners.add(trainer.getManager().newSubManager());
                    batches.add(prepared(owners.get(s), data, s, batch, true));
                }
                step(trainer, batches.get(0), owners.get(0)); // warm-up
                long t = System.nanoTime();
                for (int s = 1; s <= steps; s++) {
                    step(trainer, batches.get(s), owners.get(s));
                }
                return steps * (double) batch / ((System.nanoTime() - t) / 1e9);
            }
        }
    }

    private static void step(Trainer trainer, NDList[] xy, NDManager owner) {
        try (owner; GradientCollector gc = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(xy[0]);
            NDArray loss = trainer.getLoss().evaluate(xy[1], predictions);
            gc.backward(loss);
        }
        trainer.step();
    }

    /** Evaluation images per second over {@code images} images in batches of {@code batch} (after a warm-up batch). */
    static double evaluate(int width, ImageSet data, int images, int batch) throws Exception {
        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(width);
             Model model = Model.newInstance("minimal-eval")) {
            model.setBlock(logitsOnly(width));
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(batch, 3, 32, 32));
            int n = (images + batch - 1) / batch;
            List<NDList[]> batches = new ArrayList<>();
            for (int b = 0; b <= n; b++) {
                batches.add(prepared(model.getNDManager(), data, b, batch, false));
            }
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
                p.predict(batches.get(0)[0]).get(0).argMax(1).toLongArray(); // warm-up
                long t = System.nanoTime();
                for (int b = 1; b <= n; b++) {
                    NDList out = p.predict(batches.get(b)[0]);
                    out.get(0).argMax(1).toLongArray();
                    out.close();
                }
                return n * (double) batch / ((System.nanoTime() - t) / 1e9);
            }
        }
    }

    /** The CIFAR ResNet-18 as a plain DJL block that outputs its logits only (the yardsticks' network). */
    static SequentialBlock logitsOnly(int width) {
        return new SequentialBlock().add(CifarResNet18.create(width, 10))
                .add(new LambdaBlock(list -> new NDList(list.get(0))));
    }

    /** DJL's softmax cross-entropy and SGD with fmkt's settings (momentum, weight decay, fixed rate). */
    static DefaultTrainingConfig trainingConfig(SgdSettings sgd) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) sgd.learningRate()))
                        .optMomentum((float) sgd.momentum()).optWeightDecays((float) sgd.weightDecay()).build());
    }

    /** {@code n} indices from {@code from} on, cycling through a set of {@code size} images. */
    static int[] cyclic(int from, int n, int size) {
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            idx[k] = (from + k) % size;
        }
        return idx;
    }

    /** Batch {@code s} of {@code batch} images (cycling through {@code data}) as (images, labels) tensors in {@code m}. */
    private static NDList[] prepared(NDManager m, ImageSet data, int s, int batch, boolean augment) {
        Batch b = BatchAssembler.assemble(data, cyclic(s * batch, batch, data.size()), augment ? Augmentation.CIFAR_STANDARD : null,
                new SplittableRandom(s));
        return new NDList[] {new NDList(m.create(b.images(), new Shape(b.n(), 3, 32, 32))),
            new NDList(m.create(b.labels()))};
    }
}
