package io.fmkt.core.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Numbers as tensors that PyTorch owns: write {@code x.mul(Scalars.of(x, c))}, never {@code x.mul(c)}.
 *
 * <p>DJL 0.36's ops with a {@code Number} operand wrap the number in a 0-d tensor over a Java direct
 * buffer ({@code from_blob}, no copy) and close it as soon as the op returns, which leaves the buffer to
 * the garbage collector. Autograd keeps that tensor for the backward pass (d(c x)/dx = c), so when a
 * collection runs between forward and backward, backward reads freed memory: a gradient scaled by
 * garbage. That was fmkt's rare "same seed, other numbers under load" bug, and its NaN fusions
 * (docs/NUMERICS.md). A tensor made by PyTorch lives as long as anything refers to it; the arithmetic
 * is the same (a 0-d float32 operand either way), so the numbers are too.
 */
public final class Scalars {
    private Scalars() {
    }

    /** {@code value} as a 0-d float32 tensor in {@code like}'s manager, its memory PyTorch's own. */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, DataType.FLOAT32);
    }
}
