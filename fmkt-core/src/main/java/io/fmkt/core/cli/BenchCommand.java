package io.fmkt.core.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.FusionSettings;
import io.fmkt.core.train.KeepPolicy;
import io.fmkt.core.train.LocalTrainer;
import io.fmkt.core.train.MutualDistillation;
import io.fmkt.core.train.SgdSettings;
import io.fmkt.core.train.TrainResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Speed figures from one process, so ratios compare like with like on a noisy shared machine.
 * Every figure runs the real code path (batch assembly with augmentation, forward, backward, SGD).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Print training/eval throughput, FM-kt fusion cost per layer set, and matmul GFLOP/s.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--widths", split = ",", description = "model widths for throughput (default: 16,64)")
    int[] widths = {16, 64};
    @Option(names = "--fusion-width", description = "width for the fusion rows (default: ${DEFAULT-VALUE})")
    int fusionWidth = 16;
    @Option(names = "--steps", description = "measured steps per figure at width 16; fewer at larger widths (default: ${DEFAULT-VALUE})")
    int steps = 20;
    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    static final SgdSettings SGD = new SgdSettings(0.01, 0.9, 5e-4, 5);

    @Override
    public Integer call() {
        PrintStream o = System.out;
        int maxSteps = Math.max(steps, 2);
        ImageSet data = SyntheticCifar.generate(7, (maxSteps * batch + 4) / 5 + 1, 512).train();
        o.printf(Locale.ROOT, "fmkt bench: batch %d, %d cores, DJL %s / PyTorch%n", batch,
                Runtime.getRuntime().availableProcessors(), ai.djl.engine.Engine.getDjlVersion());
        o.printf(Locale.ROOT, "%nmatmul 2048x2048 float32: %.1f GFLOP/s%n", matmulGflops());

        o.printf(Locale.ROOT, "%n%-6s  %14s  %14s%n", "width", "train img/s", "eval img/s");
        double train16 = Double.NaN;
        for (int w : widths) {
            int n = stepsFor(w);
            double t = trainThroughput(w, data, n);
            double e = evalThroughput(w, data, n);
            if (w == fusionWidth) {
                train16 = t;
            }
            o.printf(Locale.ROOT, "%-6d  %14.1f  %14.1f%n", w, t, e);
        }
        if (Double.isNaN(train16)) {
            train16 = trainThroughput(fusionWidth, data, stepsFor(fusionWidth));
        }

        o.printf(Locale.ROOT, "%nFM-kt fusion step at width %d (two models, batch %d, mean of %d steps; best of two"
                + " passes, the second in reverse order, so warm-up and drift do not favour one setting)%n",
                fusionWidth, batch, stepsFor(fusionWidth));
        o.printf(Locale.ROOT, "%-6s  %12s  %10s  %18s%n", "layers", "ms/step", "vs none", "pairs-img/s");
        List<StageSelection> sets = new ArrayList<>(List.of(StageSelection.NONE));
        for (int l = 1; l <= 4; l++) {
            sets.add(new StageSelection(new int[] {l}));
        }
        sets.add(StageSelection.ALL);
        double[][] best = new double[sets.size()][];
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < sets.size(); k++) {
                int i = pass == 0 ? k : sets.size() - 1 - k;
                double[] r = fusionStep(fusionWidth, data, stepsFor(fusionWidth), sets.get(i));
                if (best[i] == null || r[0] < best[i][0]) {
                    best[i] = r;
                }
            }
        }
        double none = best[0][0];
        double noneImgs = best[0][1];
        for (int i = 0; i < sets.size(); i++) {
            o.printf(Locale.ROOT, "%-6s  %12.1f  %9.3fx  %18.1f%n", sets.get(i), best[i][0] * 1000, best[i][0] / none,
                    best[i][1]);
        }
        o.printf(Locale.ROOT, "%nfusion pair throughput / (single-model training / 2) at width %d: %.3f "
                + "(target >= 0.95)%n", fusionWidth, noneImgs / (train16 / 2));
        return 0;
    }

    private int stepsFor(int width) {
        return width <= 16 ? steps : Math.max(3, steps / 4);
    }

    private static double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomUniform(0, 1, new Shape(2048, 2048));
            NDArray b = m.randomUniform(0, 1, new Shape(2048, 2048));
            a.matMul(b).close();
            int reps = 5;
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.matMul(b).close();
            }
            double s = (System.nanoTime() - t) / 1e9;
            return reps * 2.0 * 2048 * 2048 * 2048 / s / 1e9;
        }
    }

    private ImageSet first(ImageSet data, int n) {
        return data.head(n * batch);
    }

    private double trainThroughput(int width, ImageSet data, int n) {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, width, 10, 1)) {
            LocalTrainer.Settings s = new LocalTrainer.Settings(1, batch, SGD, true);
            LocalTrainer.train(model, first(data, 2), s, new SplittableRandom(1)); // warm-up
            TrainResult r = LocalTrainer.train(model, first(data, n), s, new SplittableRandom(2));
            return r.imagesPerSecond();
        }
    }

    private double evalThroughput(int width, ImageSet data, int n) {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, width, 10, 1)) {
            Evaluator.evaluate(model, first(data, 2), 256);
            ImageSet set = first(data, n * 2);
            long t = System.nanoTime();
            Evaluator.evaluate(model, set, 256);
            return set.size() / ((System.nanoTime() - t) / 1e9);
        }
    }

    /** The bench's fusion: T = 3, alpha = beta = 1, unit layer weights, keep the received model. */
    static FusionSettings fusionSettings(StageSelection layers, int batch) {
        return new FusionSettings(layers, new double[] {1, 1, 1, 1}, FeatureNorm.NONE, 3, 1, 1, 1, batch, SGD,
                KeepPolicy.RECEIVED, true, 0.1);
    }

    /** @return {seconds per step, receiver images per second} */
    private double[] fusionStep(int width, ImageSet data, int n, StageSelection layers) {
        FusionSettings s = fusionSettings(layers, batch);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, width, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, width, 10, 2)) {
            MutualDistillation.fuse(a, b, first(data, 2), s, new SplittableRandom(1)); // warm-up
            FusionResult r = MutualDistillation.fuse(a, b, first(data, n), s, new SplittableRandom(2));
            return new double[] {r.seconds() / r.steps(), r.images() / 2.0 / r.seconds()};
        }
    }
}
