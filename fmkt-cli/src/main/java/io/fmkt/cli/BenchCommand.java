package io.fmkt.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.SgdSettings;
import io.fmkt.core.config.TrainingConfig;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.KernelGate;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.FusionSettings;
import io.fmkt.core.train.LocalTrainer;
import io.fmkt.core.train.MutualDistillation;
import io.fmkt.core.train.TrainResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    @Option(names = "--numerics", description = "native | portable: the mode of this process's figures (default: ${DEFAULT-VALUE})")
    String numerics = Numerics.NATIVE.label();
    @Option(names = "--numerics-passes", description = "processes per mode for the portable/native cost,"
            + " alternating; 0 = skip (default: ${DEFAULT-VALUE})")
    int numericsPasses = 2;

    private static final double LR = 0.01;
    /** Interleaved rounds per figure; the best counts (drift and warm-up favour no side). */
    private static final int ROUNDS = 2;
    /** The evaluation batches measured: fmkt's own is chosen among them (docs/BENCHMARKS.md). */
    static final int[] EVAL_BATCHES = {32, 64, 128, 256};
    /** The bench's optimiser: the config's defaults at learning rate {@link #LR}. */
    static final SgdSettings SGD = training(64).sgd();

    @Override
    public Integer call() throws IOException, InterruptedException {
        NumericsSetup.apply(Numerics.parse(numerics));
        PrintStream o = System.out;
        int maxSteps = Math.max(steps, 2);
        ImageSet data = SyntheticCifar.generate(7, (2 * maxSteps * batch + 4) / 5 + 1, 512).train();
        o.printf(Locale.ROOT, "fmkt bench: batch %d, %d cores, DJL %s / PyTorch, %s numerics%n", batch,
                Runtime.getRuntime().availableProcessors(), ai.djl.engine.Engine.getDjlVersion(), numerics);
        o.printf(Locale.ROOT, "%nmatmul 2048x2048 float32: %.1f GFLOP/s%n", matmulGflops());

        o.printf(Locale.ROOT, "%nimg/s of fmkt's steps against two yardsticks, measured interleaved in this process (best"
                + " of %d rounds):%n  minimal = MinimalLoop: batches assembled before the clock starts; DJL's Trainer"
                + " (SGD) or Predictor alone%n  plain   = PlainLoop: DJL's Trainer, the batch assembled in the step%n"
                + "fmkt/minimal = minimal img/s / fmkt img/s (goal <= 1.10)%n", ROUNDS);
        o.printf(Locale.ROOT, "%ntraining, batch %d%n%-6s  %10s  %10s  %10s  %12s  %22s%n", batch, "width", "fmkt",
                "minimal", "plain", "fmkt/minimal", "batch assembly / step");
        double train16 = Double.NaN;
        double plain16 = Double.NaN;
        for (int w : widths) {
            KernelGate.require(w, batch); // wrong kernels would make these figures meaningless
            int n = stepsFor(w);
            double t = 0;
            double tm = 0;
            double tp = 0;
            for (int round = 0; round < ROUNDS; round++) {
                t = Math.max(t, trainThroughput(w, data, n));
                tm = Math.max(tm, MinimalLoop.train(w, data, n, batch, SGD));
                tp = Math.max(tp, PlainLoop.train(w, data, n, batch, SGD));
            }
            if (w == fusionWidth) {
                train16 = t;
                plain16 = tp;
            }
            double assembly = assemblySeconds(data, n);
            o.printf(Locale.ROOT, "%-6d  %10.1f  %10.1f  %10.1f  %11.2fx  %8.2f ms = %5.1f %%%n", w, t, tm, tp, tm / t,
                    assembly * 1000, 100 * assembly / (batch / t));
        }
        o.printf(Locale.ROOT, "(batch assembly: augmenting and normalising one batch, which fmkt does on another thread"
                + " while the step before computes; the share is of fmkt's step time)%n");
        o.printf(Locale.ROOT, "%nevaluation (fmkt evaluates at batch %d)%n%-6s  %6s  %10s  %10s  %12s%n",
                Evaluator.DEFAULT_BATCH, "width", "batch", "fmkt", "minimal", "fmkt/minimal");
        for (int w : widths) {
            int images = evalImages(w);
            for (int b : EVAL_BATCHES) {
                double e = 0;
                double em = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    e = Math.max(e, evalThroughput(w, data, images, b));
                    em = Math.max(em, minimalEval(w, data, images, b));
                }
                o.printf(Locale.ROOT, "%-6d  %6d  %10.1f  %10.1f  %11.2fx%s%n", w, b, e, em, em / e,
                        b == Evaluator.DEFAULT_BATCH ? "  <- fmkt's batch" : "");
            }
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
        if (!Double.isNaN(plain16)) {
            // A fusion step trains two models on one batch: two plain steps are its yardstick.
            double plainPair = 2 * batch / plain16;
            o.printf(Locale.ROOT, "fusion step (layers none) / two plain DJL training steps at width %d: %.1f ms /"
                    + " %.1f ms = %.2fx (goal <= 1.10)%n", fusionWidth, none * 1000, plainPair * 1000, none / plainPair);
        }
        if (numericsPasses > 0) {
            numericsCost(o);
        }
        return 0;
    }

    /**
     * Portable against native numerics. libtorch fixes them per process, so each measurement is a
     * process of its own ({@code numerics-probe}), the modes alternating so drift favours neither;
     * the best figure of each mode counts.
     */
    private void numericsCost(PrintStream o) throws IOException, InterruptedException {
        Map<Numerics, double[]> best = new EnumMap<>(Numerics.class);
        for (int pass = 0; pass < numericsPasses; pass++) {
            List<Numerics> order = pass % 2 == 0 ? List.of(Numerics.NATIVE, Numerics.PORTABLE)
                    : List.of(Numerics.PORTABLE, Numerics.NATIVE);
            for (Numerics mode : order) {
                double[] r = probe(mode);
                double[] b = best.get(mode);
                best.put(mode, b == null ? r : new double[] {Math.max(b[0], r[0]), Math.max(b[1], r[1]),
                        Math.min(b[2], r[2])});
            }
        }
        o.printf(Locale.ROOT, "%nnumerics at width %d (%d steps; one process per mode and pass, %d passes alternating,"
                + " best of each)%n", fusionWidth, stepsFor(fusionWidth), numericsPasses);
        o.printf(Locale.ROOT, "%-9s  %12s  %12s  %16s%n", "numerics", "train img/s", "eval img/s", "fusion ms/step");
        for (Numerics mode : List.of(Numerics.NATIVE, Numerics.PORTABLE)) {
            double[] r = best.get(mode);
            o.printf(Locale.ROOT, "%-9s  %12.1f  %12.1f  %16.1f%n", mode.label(), r[0], r[1], r[2]);
        }
        double[] n = best.get(Numerics.NATIVE);
        double[] p = best.get(Numerics.PORTABLE);
        o.printf(Locale.ROOT, "portable / native time: training %.3fx, evaluation %.3fx, fusion %.3fx%n",
                n[0] / p[0], n[1] / p[1], p[2] / n[2]);
    }

    /** @return {train img/s, eval img/s, fusion ms/step} of a {@code numerics-probe} process */
    private double[] probe(Numerics mode) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx3g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), FmktCli.class.getName(), "numerics-probe", "--numerics",
                mode.label(), "--width", Integer.toString(fusionWidth), "--steps", Integer.toString(stepsFor(fusionWidth)),
                "--batch", Integer.toString(batch)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("numerics-probe --numerics " + mode.label() + " failed:\n" + out);
        }
        Map<String, String> f = NumericsProbeCommand.fields(out);
        return new double[] {Double.parseDouble(f.get("train_img_s")), Double.parseDouble(f.get("eval_img_s")),
                Double.parseDouble(f.get("fusion_ms_step"))};
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
            TrainingConfig s = training(batch);
            LocalTrainer.train(model, first(data, 2), s, new SplittableRandom(1)); // warm-up
            TrainResult r = LocalTrainer.train(model, first(data, n), s, new SplittableRandom(2));
            return r.imagesPerSecond();
        }
    }

    private static double minimalEval(int width, ImageSet data, int images, int batch) {
        try {
            return MinimalLoop.evaluate(width, data, images, batch);
        } catch (Exception e) {
            throw new IllegalStateException("minimal DJL evaluation failed", e);
        }
    }

    private double evalThroughput(int width, ImageSet data, int images, int evalBatch) {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, width, 10, 1)) {
            // Warm up on a full evaluation batch: oneDNN prepares its kernels per input shape.
            Evaluator.evaluate(model, data.head(evalBatch), evalBatch);
            ImageSet set = data.head(images);
            long t = System.nanoTime();
            Evaluator.evaluate(model, set, evalBatch);
            return set.size() / ((System.nanoTime() - t) / 1e9);
        }
    }

    /** Images per evaluation figure: about a training figure's worth of work, a whole number of 256-batches. */
    private int evalImages(int width) {
        return Math.max(2, stepsFor(width) * 2 * batch / 256) * 256;
    }

    /** Seconds to assemble one augmented training batch (mean over {@code n} batches). */
    private double assemblySeconds(ImageSet data, int n) {
        SplittableRandom rng = new SplittableRandom(4);
        long t = System.nanoTime();
        for (int s = 0; s < n; s++) {
            io.fmkt.core.data.BatchAssembler.assemble(data, MinimalLoop.cyclic(s * batch, batch, data.size()),
                    io.fmkt.core.data.Augmentation.CIFAR_STANDARD, rng);
        }
        return (System.nanoTime() - t) / 1e9 / n;
    }

    /** The bench's config: the defaults (T = 3, alpha = beta = 1, unit layer weights, keep the received model),
            lr 0.01. */
    private static ExperimentConfig config(StageSelection layers, int batch) {
        return ExperimentConfig.builder().layers(layers).batchSize(batch).learningRate(LR).fusionLearningRate(LR)
                .build();
    }

    static TrainingConfig training(int batch) {
        return config(StageSelection.NONE, batch).training();
    }

    static FusionSettings fusionSettings(StageSelection layers, int batch) {
        return FusionSettings.of(config(layers, batch));
    }

    /** @return {seconds per step, receiver images per second} */
    private double[] fusionStep(int width, ImageSet data, int n, StageSelection layers) {
        FusionSettings s = fusionSettings(layers, batch);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, width, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, width, 10, 2)) {
            MutualDistillation fusion = new MutualDistillation(s);
            fusion.fuse(a, b, first(data, 2), new SplittableRandom(1)); // warm-up
            FusionResult r = fusion.fuse(a, b, first(data, n), new SplittableRandom(2));
            return new double[] {r.seconds() / r.steps(), r.images() / 2.0 / r.seconds()};
        }
    }
}
