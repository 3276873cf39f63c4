package io.fmkt.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.fmkt.core.codec.WeightCodec;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.core.config.TrainingConfig;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.LocalTrainer;
import io.fmkt.core.train.MutualDistillation;
import io.fmkt.core.train.TrainResult;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.training.GradientCollector;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.loss.CrossEntropy;
import io.fmkt.core.numerics.ConvolutionSwitch;
import io.fmkt.core.numerics.Convolutions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One process in one numerics mode: a local-training step, a fusion step (stage 3) and an evaluation
 * on fixed synthetic data, printed as one {@code key=value} line with the SHA-256 of every weight
 * and logit they produce and their speed. It also compares one training step's gradients, computed
 * with the convolutions fmkt uses at this width, with the same step on ATen's own convolutions
 * ({@code grad_vs_aten}: the relative error over all parameters; 0 where fmkt uses ATen's). {@code bench} starts it once per mode to compare speeds,
 * and the numerics tests start it under varied environments to compare bits: libtorch reads its
 * settings once per process, so these comparisons need one process each.
 */
@Command(name = "numerics-probe", hidden = true,
        description = "Train, fuse and evaluate a little in one numerics mode; print a digest of the results and their speed.")
public final class NumericsProbeCommand implements Callable<Integer> {
    @Option(names = "--numerics", description = "native | portable (default: ${DEFAULT-VALUE})")
    String numerics = Numerics.NATIVE.label();
    @Option(names = "--width", description = "model width (default: ${DEFAULT-VALUE})")
    int width = 4;
    @Option(names = "--steps", description = "measured steps (default: ${DEFAULT-VALUE})")
    int steps = 3;
    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    @Override
    public Integer call() throws NoSuchAlgorithmException {
        Numerics mode = Numerics.parse(numerics);
        NumericsSetup.apply(mode);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ImageSet data = SyntheticCifar.generate(7, (steps * batch * 2 + 4) / 5 + 1, 512).train();
        ImageSet trainSet = data.head(steps * batch);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, width, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, width, 10, 2)) {
            List<float[]> own;
            List<float[]> aten;
            try (ConvolutionSwitch.Lease k = ConvolutionSwitch.forWidth(width)) {
                own = gradients(a, data.head(batch));
            }
            try (ConvolutionSwitch.Lease k = ConvolutionSwitch.use(Convolutions.ATEN)) {
                aten = gradients(a, data.head(batch));
            }
            // over all parameters at once: one parameter's gradient may be a sum that nearly cancels (a
            // BatchNorm beta under a residual), where two right kernels differ by far more than rounding
            double diff = 0;
            double norm = 0;
            double gradSumAbs = 0;
            for (int i = 0; i < own.size(); i++) {
                float[] g = own.get(i);
                float[] r = aten.get(i);
                for (int j = 0; j < g.length; j++) {
                    diff += ((double) g[j] - r[j]) * ((double) g[j] - r[j]);
                    norm += (double) r[j] * r[j];
                    gradSumAbs += Math.abs(g[j]);
                }
                sha.update(bytes(g));
            }
            double gradError = Math.sqrt(diff / norm);
            TrainingConfig s = BenchCommand.training(batch);
            LocalTrainer.train(b, data.head(batch), s, new SplittableRandom(1)); // warm-up (and b's start)
            TrainResult t = LocalTrainer.train(a, trainSet, s, new SplittableRandom(2));
            sha.update(WeightCodec.encode(a));

            ImageSet evalSet = data.head(steps * batch * 2);
            long t0 = System.nanoTime();
            Evaluator.evaluate(a, evalSet, Evaluator.DEFAULT_BATCH);
            double evalSeconds = (System.nanoTime() - t0) / 1e9;
            sha.update(logits(a, evalSet));

            MutualDistillation stage3 = new MutualDistillation(
                    BenchCommand.fusionSettings(new StageSelection(new int[] {3}), batch));
            FusionResult f = stage3.fuse(a, b, trainSet, new SplittableRandom(3));
            sha.update(WeightCodec.encode(a));
            sha.update(WeightCodec.encode(b));
            System.out.printf(Locale.ROOT, "numerics=%s aten=%s onednn=%s mkl_cbwr=%s threads=%d width=%d"
                            + " convolutions=%s digest=%s grad_vs_aten=%.3g grad_sum_abs=%.6f"
                            + " train_img_s=%.2f eval_img_s=%.2f fusion_ms_step=%.2f%n",
                    mode.label(), NumericsSetup.nativeEnv("ATEN_CPU_CAPABILITY"),
                    NumericsSetup.nativeEnv("ONEDNN_MAX_CPU_ISA"), NumericsSetup.nativeEnv("MKL_CBWR"),
                    JniUtils.getNumThreads(), width, Convolutions.forWidth(width).label(),
                    HexFormat.of().formatHex(sha.digest()), gradError, gradSumAbs, t.imagesPerSecond(),
                    evalSet.size() / evalSeconds, f.seconds() / f.steps() * 1000);
        }
        return 0;
    }

    /** The {@code key=value} fields of the probe's line in a process's {@code output}. */
    public static java.util.Map<String, String> fields(String output) {
        String line = output.lines().filter(l -> l.startsWith("numerics=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("numerics-probe printed no figures:\n" + output));
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            fields.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return fields;
    }

    /**
     * One cross-entropy step's gradient of every trainable parameter (not applied: zeroed after), in
     * training mode on {@code batch} without augmentation, under the caller's convolution lease.
     */
    private static List<float[]> gradients(ResNetModel model, ImageSet batch) {
        Batch b = BatchAssembler.assemble(batch, java.util.stream.IntStream.range(0, batch.size()).toArray(), null, null);
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = m.create(b.images(), new Shape(b.shape()));
            gc.backward(CrossEntropy.loss(model.forward(x, true).logits(), m.create(b.labels())));
        }
        for (Parameter p : model.parameters()) {
            if (p.requiresGradient()) {
                try (NDArray g = p.getArray().getGradient()) {
                    out.add(g.toFloatArray());
                }
                JniUtils.zeroGrad((PtNDArray) p.getArray());
            }
        }
        return out;
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    /** The eval-mode logits of the first batch, as little-endian floats. */
    private static byte[] logits(ResNetModel model, ImageSet data) {
        return bytes(Evaluator.logits(model, data, Evaluator.DEFAULT_BATCH));
    }
}
