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
        for (ConvShape c : shapes) {
            boolean inject = "wrong-gradient".equals(fault) && c.stride() > 1 && !injected;
            injected |= inject;
            all.addAll(check(kernels, c, trainBatch, true, inject));
            if (evalBatch > 0) {
                all.addAll(check(kernels, c, evalBatch, false, false));
            }
        }
        double worst = all.stream().mapToDouble(f -> Double.isNaN(f.relativeError()) ? Double.POSITIVE_INFINITY
                : f.relativeError()).max().orElse(0);
        return new Report(kernels, List.copyOf(shapes), trainBatch, evalBatch, worst,
                all.stream().filter(f -> !f.ok()).toList(), (System.nanoTime() - start) / 1e9, fault);
    }

    private static List<Finding> check(Convolutions kernels, ConvShape c, int batch, boolean backward, boolean inject) {
        SplittableRandom rng = new SplittableRandom(SEED ^ c.hashCode() ^ batch);
        int[] xs = {batch, c.inChannels(), c.size(), c.size()};
        int[] ws = {c.outChannels(), c.inChannels(), c.kernel(), c.kernel()};
        int[] ys = {batch, c.outChannels(), c.outputSize(), c.outputSize()};
        double[] x = uniform(rng, size(xs), 1);
        double[] w = uniform(rng, size(ws), Math.sqrt(6.0 / (c.outChannels() * c.kernel() * c.kernel())));
        double[] g = uniform(rng, size(ys), 1);
        double[][] got;
        try (ConvolutionSwitch.Lease ignored = ConvolutionSwitch.use(kernels)) {
            got = convolve(c, xs, x, ws, w, g, DataType.FLOAT32, backward);
        }
        if (inject) {
            for (int i = 0; i < got[2].length; i++) {
                got[2][i] *= 1.01;
            }
        }
        // The float64 answer for a few images (every channel) and a few output channels (every image):
        // each image's output and data gradient depend on that image alone, and each output channel's
        // weight gradient on that channel alone, so these are exact while far cheaper than the whole.
        int[] images = ends(batch);
        int[] channels = ends(c.outChannels());
        List<Finding> out = new ArrayList<>();
        double[][] perImage;
        double[][] perChannel;
        try (ConvolutionSwitch.Lease ignored = ConvolutionSwitch.use(Convolutions.ATEN)) {
            perImage = convolve(c, with(xs, 0, images.length), take(x, xs, 0, images), ws, w,
                    take(g, ys, 0, images), DataType.FLOAT64, backward);
            perChannel = !backward ? null : convolve(c, xs, x, with(ws, 0, channels.length), take(w, ws, 0, channels),
                    take(g, ys, 1, channels), DataType.FLOAT64, true);
        }
        String prefix = backward ? "" : "inference ";
        out.add(new Finding(c, batch, prefix + "output", relativeError(take(got[0], ys, 0, images), perImage[0])));
        if (backward) {
            out.add(new Finding(c, batch, "output", relativeError(take(got[0], ys, 1, channels), perChannel[0])));
            out.add(new Finding(c, batch, "data gradient", relativeError(take(got[1], xs, 0, images), perImage[1])));
            out.add(new Finding(c, batch, "weight gradient", relativeError(take(got[2], ws, 0, channels),
                    perChannel[2])));
        }
        return out;
    }

    /** Up to 8 indices of {@code n}: the first 4 and the last 4, where blocked kernels have their edges. */
    private static int[] ends(int n) {
        if (n <= 8) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        return new int[] {0, 1, 2, 3, n - 4, n - 3, n - 2, n - 1};
    }

    /** The entries of row-major {@code a} (shape {@code s}) whose index along {@code axis} is in {@code idx}. */
    static double[] take(double[] a, int[] s, int axis, int[] idx) {
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= s[i];
        }
        double[] out = new double[outer * idx.length * inner];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (int j : idx) {
                System.arraycopy(a, (o * s[axis] + j) * inner, out, k, inner);
                k += inner;
            }
        }
        return out;
    }

    private static int[] with(int[] s, int axis, int n) {
        int[] t = s.clone();
        t[axis] = n;
        return t;
    }

    private static long size(int[] s) {
        long n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    /** y = conv(x, w); with {@code backward}, also dL/dx and dL/dw for dL/dy = g. */
    private static double[][] convolve(ConvShape c, int[] xs, double[] x, int[] ws, double[] w, double[] g,
            DataType type, boolean backward) {
        boolean gradMode = JniUtils.isGradMode();
        // DJL's GradientCollector admits one per process and would collide with a step running on
        // another thread; PyTorch's grad mode is per thread, so autograd is driven directly here.
        JniUtils.setGradMode(backward);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x, shape(xs)).toType(type, false);
            NDArray wa = m.create(w, shape(ws)).toType(type, false);
            if (backward) {
                xa.setRequiresGradient(true);
                wa.setRequiresGradient(true);
            }
            NDArray y = Conv2d.conv2d(xa, wa, null, new Shape(c.stride(), c.stride()),
                    new Shape(c.padding(), c.padding()), new Shape(1, 1), 1).singletonOrThrow();
            if (!backward) {
                return new double[][] {doubles(y)};
            }
            NDArray ga = m.create(g, y.getShape()).toType(type, false);
            JniUtils.backward((PtNDArray) y, (PtNDArray) ga, false, false);
            return new double[][] {doubles(y), doubles(xa.getGradient()), doubles(wa.getGradient())};
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static Shape shape(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return new Shape(l);
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
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

    /** U(-bound, bound), rounded to float32 so both precisions start from the same numbers. */
    private static double[] uniform(SplittableRandom rng, long n, double bound) {
        double[] v = new double[Math.toIntExact(n)];
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
