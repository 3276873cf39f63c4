package io.fmkt.core.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks this process's convolution kernels against an independent answer before it trains: every
 * convolution shape of the model, at the run's batch sizes, forward and backward (data and weight
 * gradients) as training runs them, forward alone as evaluation runs it. The answer is the same
 * convolution in float64, which only ATen's own kernels compute (oneDNN takes float32 only), so a
 * wrong float32 kernel of either library shows as a relative error far above float32 rounding.
 *
 * <p>A processor on which oneDNN computed wrong gradients for narrow convolutions (issue 23) passed
 * every run with exit status 0; this check turns such a machine into a refusal. It does not prove
 * the kernels right for every shape: a step's shapes are the model's at the run's batch size, but an
 * epoch's last, smaller batch is not checked.
 */
public final class KernelCheck {
    /**
     * Largest relative error (Frobenius norm of the difference over the answer's) accepted. float32
     * rounding over the longest sum checked (a weight gradient over 64 x 32 x 32 positions) stays
     * below 1e-5 on the kernels measured (docs/NUMERICS.md); the faults seen were 1e-1 and NaN.
     */
    public static final double TOLERANCE = 1e-4;
    /**
     * Names a fault to inject into the float32 answers (a wrong kernel), for tests of the refusal:
     * {@code wrong-gradient} scales the first strided convolution's weight gradient by 1.01.
     */
    public static final String FAULT_ENV = "FMKT_KERNEL_CHECK_FAULT";
    public static final String FAULT_PROPERTY = "fmkt.kernel-check.fault";
    private static final long SEED = 0x5eedc0de;

    private static final Map<String, Report> DONE = new ConcurrentHashMap<>();

    private KernelCheck() {
    }

    /** One compared output: a convolution's forward output, data gradient or weight gradient. */
    public record Finding(ConvShape conv, int batch, String output, double relativeError) {
        boolean ok() {
            return relativeError <= TOLERANCE; // NaN fails
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s at batch %d: %s off by %.3g", conv, batch, output, relativeError);
        }
    }

    /** What was checked, and the outputs that were wrong (none: passed). */
    public record Report(Convolutions kernels, List<ConvShape> shapes, int trainBatch, int evalBatch,
            double worstError, List<Finding> failures, double seconds, String fault) {
        public boolean passed() {
            return failures.isEmpty();
        }

        /** What failed and what to do, for a log line, a dead letter or an exit message. */
        public String describe() {
            if (passed()) {
                return String.format(Locale.ROOT, "%s convolutions agree with float64 ATen on %d shapes (batch %d"
                        + " forward+backward, %d forward): worst relative error %.2g, %.1f s", kernels.label(),
                        shapes.size(), trainBatch, evalBatch, worstError, seconds);
            }
            String what = kernels == Convolutions.ONEDNN
                    ? "run it with --numerics portable (FMKT_NUMERICS=portable on services), which uses ATen's own"
                            + " convolutions, or on another machine"
                    : "no setting of fmkt avoids ATen's convolutions; run on another machine";
            return kernels.label() + " convolutions give wrong answers on this processor (" + failures.size()
                    + " of the checked outputs differ from float64 ATen by more than " + TOLERANCE + "; first: "
                    + failures.get(0)
                    + (fault != null ? "; a fault injected for a test (" + FAULT_ENV + "): " + fault : "")
                    + "). This process refuses to train or evaluate with them: " + what
                    + " (docs/NUMERICS.md, 'Kernel check').";
        }
    }

    /** Thrown when a check fails: the work is refused. */
    public static final class FailedException extends IllegalStateException {
        private final transient Report report;

        FailedException(Report report) {
            super(report.describe());
            this.report = report;
        }

        public Report report() {
            return report;
        }
    }

    /**
     * Checks {@code shapes} with the kernels this process uses for them, once per process for each
     * (kernels, shapes, batches); the outcome of a failed check is kept too.
     *
     * @throws FailedException if any output is wrong
     */
    public static Report require(Convolutions kernels, List<ConvShape> shapes, int trainBatch, int evalBatch) {
        String key = kernels + "|" + shapes + "|" + trainBatch + "|" + evalBatch + "|" + fault();
        Report r = DONE.computeIfAbsent(key, k -> run(kernels, shapes, trainBatch, evalBatch));
        if (!r.passed()) {
            throw new FailedException(r);
        }
        return r;
    }

    /** The checks that failed in this process (none: every kernel checked so far is right). */
    public static List<Report> failed() {
        return DONE.values().stream().filter(r -> !r.passed()).toList();
    }

    /** Runs the check without keeping or throwing its outcome. */
    public static Report run(Convolutions kernels, List<ConvShape> shapes, int trainBatch, int evalBatch) {
        long start = System.nanoTime();
        String fault = fault();
        List<Finding> all = new ArrayList<>();
        boolean injected = false;
        StagedTensors staged = new StagedTensors();
        for (ConvShape c : shapes) {
            boolean inject = "wrong-gradient".equals(fault) && c.stride() > 1 && !injected;
            injected |= inject;
            all.addAll(check(staged, kernels, c, trainBatch, true, inject));
            if (evalBatch > 0) {
                all.addAll(check(staged, kernels, c, evalBatch, false, false));
            }
        }
        NativeMemory.trim(); // the check's tensors are freed; a process runs it once per width, then trains
        double worst = all.stream().mapToDouble(f -> Double.isNaN(f.relativeError()) ? Double.POSITIVE_INFINITY
                : f.relativeError()).max().orElse(0);
        return new Report(kernels, List.copyOf(shapes), trainBatch, evalBatch, worst,
                all.stream().filter(f -> !f.ok()).toList(), (System.nanoTime() - start) / 1e9, fault);
    }

    private static List<Finding> check(StagedTensors staged, Convolutions kernels, ConvShape c, int batch,
            boolean backward, boolean inject) {
        SplittableRandom rng = new SplittableRandom(SEED ^ c.hashCode() ^ batch);
        Shape xs = new Shape(batch, c.inChannels(), c.size(), c.size());
        Shape ws = new Shape(c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
        Shape ys = new Shape(batch, c.outChannels(), c.outputSize(), c.outputSize());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = staged.floats(m, uniform(rng, xs.size(), 1), xs);
            NDArray w = staged.floats(m, uniform(rng, ws.size(), Math.sqrt(6.0 / (c.outChannels() * c.kernel()
                    * c.kernel()))), ws);
            NDArray g = staged.floats(m, uniform(rng, ys.size(), 1), ys);
            NDArray[] got;
            try (ConvolutionSwitch.Lease ignored = ConvolutionSwitch.use(kernels)) {
                got = convolve(c, x, w, g, DataType.FLOAT32, backward);
            }
            if (inject) {
                got[2] = got[2].mul(Scalars.of(got[2], 1.01f));
            }
            // The float64 answer for a few images (every channel) and a few output channels (every image):
            // each image's output and data gradient depend on that image alone, and each output channel's
            // weight gradient on that channel alone, so these are exact while far cheaper than the whole.
            // Only those slices are read back.
            NDArray[] perImage;
            NDArray[] perChannel;
            try (ConvolutionSwitch.Lease ignored = ConvolutionSwitch.use(Convolutions.ATEN)) {
                perImage = convolve(c, ends(x, 0), w, ends(g, 0), DataType.FLOAT64, backward);
                perChannel = !backward ? null : convolve(c, x, ends(w, 0), ends(g, 1), DataType.FLOAT64, true);
            }
            List<Finding> out = new ArrayList<>();
            String prefix = backward ? "" : "inference ";
            out.add(new Finding(c, batch, prefix + "output", relativeError(ends(got[0], 0), perImage[0])));
            if (backward) {
                out.add(new Finding(c, batch, "output", relativeError(ends(got[0], 1), perChannel[0])));
                out.add(new Finding(c, batch, "data gradient", relativeError(ends(got[1], 0), perImage[1])));
                out.add(new Finding(c, batch, "weight gradient", relativeError(ends(got[2], 0), perChannel[2])));
            }
            return out;
        }
    }

    /**
     * The first 4 and the last 4 entries of {@code a} along {@code axis} (0 or 1), where blocked kernels
     * have their edges; all of them if there are at most 8.
     */
    static NDArray ends(NDArray a, int axis) {
        long n = a.getShape().get(axis);
        if (n <= 8) {
            return a;
        }
        String lead = axis == 0 ? "" : ":, ";
        return a.get(lead + "0:4").concat(a.get(lead + (n - 4) + ":"), axis);
    }

    /**
     * y = conv(x, w) in {@code type}, on copies of the inputs; with {@code backward}, also dL/dx and dL/dw
     * for dL/dy = g. The results belong to x's manager.
     */
    private static NDArray[] convolve(ConvShape c, NDArray x, NDArray w, NDArray g, DataType type,
            boolean backward) {
        boolean gradMode = JniUtils.isGradMode();
        // DJL's GradientCollector admits one per process and would collide with a step running on
        // another thread; PyTorch's grad mode is per thread, so autograd is driven directly here.
        JniUtils.setGradMode(backward);
        try {
            NDArray xa = x.toType(type, true);
            NDArray wa = w.toType(type, true);
            if (backward) {
                xa.setRequiresGradient(true);
                wa.setRequiresGradient(true);
            }
            NDArray y = Conv2d.conv2d(xa, wa, null, new Shape(c.stride(), c.stride()),
                    new Shape(c.padding(), c.padding()), new Shape(1, 1), 1).singletonOrThrow();
            if (!backward) {
                return new NDArray[] {y};
            }
            JniUtils.backward((PtNDArray) y, (PtNDArray) g.toType(type, true), false, false);
            return new NDArray[] {y, xa.getGradient(), wa.getGradient()};
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static double relativeError(NDArray got, NDArray expected) {
        return relativeError(doubles(got), doubles(expected));
    }

    static double relativeError(double[] got, double[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
    }

    /** U(-bound, bound) as float32: the float64 reference widens these same numbers exactly. */
    private static float[] uniform(SplittableRandom rng, long n, double bound) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    static String fault() {
        String f = System.getProperty(FAULT_PROPERTY);
        return f != null && !f.isBlank() ? f : System.getenv(FAULT_ENV);
    }
}
