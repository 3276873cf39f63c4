package io.fmkt.core.numerics;

/**
 * Which library computes a model's convolutions. oneDNN's JIT kernels are several times faster, but
 * they are not correct everywhere: on an AMD EPYC (Zen 5), oneDNN 3.7.1 (in libtorch 2.7.1) gave
 * wrong weight gradients for convolutions with fewer channels than its 16-lane block (4 to 8
 * channels, every ISA and thread count tried; 8 channels on one thread), and read uninitialised
 * memory there (issue 23, docs/NUMERICS.md). Its blocking also depends on the cache sizes, which
 * no setting pins. ATen's own convolution (im2col and MKL's GEMM) has neither problem.
 */
public enum Convolutions {
    /** oneDNN's kernels: native numerics, every stage at least {@link #ONEDNN_MIN_CHANNELS} wide. */
    ONEDNN,
    /** ATen's own: narrow models, and portable numerics at any width. */
    ATEN;

    /** oneDNN's channel block on AVX-512; narrower convolutions are where it was seen to fail. */
    public static final int ONEDNN_MIN_CHANNELS = 16;

    /**
     * The kernels for a model of {@code width} (its narrowest stage's channels) in {@code mode}.
     * Portable numerics never use oneDNN: its blocking reads L1/L2 sizes, so it is not the same
     * arithmetic on every processor, while MKL's GEMM under {@code MKL_CBWR} is.
     */
    public static Convolutions of(Numerics mode, int width) {
        if (mode == Numerics.PORTABLE || width < ONEDNN_MIN_CHANNELS) {
            return ATEN;
        }
        return ONEDNN;
    }

    /** The kernels for a model of {@code width} in this process's numerics mode (native if none was set). */
    public static Convolutions forWidth(int width) {
        Numerics mode = NumericsSetup.applied();
        return of(mode == null ? Numerics.NATIVE : mode, width);
    }

    public String label() {
        return this == ONEDNN ? "onednn" : "aten";
    }
}
