package io.fmkt.core.numerics;

/**
 * One convolution of a network, as kernels see it: square input of {@code size} pixels, square
 * kernel, padding {@code kernel / 2}, no bias, no groups.
 */
public record ConvShape(String name, int inChannels, int outChannels, int kernel, int stride, int size) {
    public ConvShape {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || size < kernel) {
            throw new IllegalArgumentException("not a convolution: " + name + " " + inChannels + "->" + outChannels
                    + " k" + kernel + " s" + stride + " on " + size + "x" + size);
        }
    }

    public int padding() {
        return kernel / 2;
    }

    public int outputSize() {
        return (size + 2 * padding() - kernel) / stride + 1;
    }

    @Override
    public String toString() {
        return name + " (" + inChannels + "->" + outChannels + ", " + kernel + "x" + kernel + "/" + stride + ", "
                + size + "x" + size + ")";
    }
}
