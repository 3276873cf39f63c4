package io.fmkt.core.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float32 tensors that libtorch owns, filled from Java arrays through one reused direct buffer.
 * DJL's {@code NDManager.create(array)} backs every tensor with a fresh direct buffer that only the
 * garbage collector frees, and a buffer that survived a young collection waits for an old-generation
 * one, which a service with a small live heap may never run: the kernel check's buffers (tens of MiB
 * per width) stayed in the services' resident memory for their whole life (issue 25). Here the
 * values are copied into the tensor's own memory and the buffer is reused, so closing the tensor frees
 * everything. Not thread-safe: one per caller.
 */
final class StagedTensors {
    private ByteBuffer staging = ByteBuffer.allocateDirect(0);

    /** A new float32 tensor of {@code shape} holding {@code values}. */
    NDArray floats(NDManager manager, float[] values, Shape shape) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
        int bytes = Math.multiplyExact(values.length, Float.BYTES);
        if (staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(bytes);
        }
        staging.clear().order(ByteOrder.nativeOrder()).asFloatBuffer().put(values);
        staging.limit(bytes);
        // DJL's tensor on a direct buffer aliases it (from_blob); its clone owns a copy
        try (NDArray onBuffer = manager.create(staging, shape, DataType.FLOAT32)) {
            return onBuffer.duplicate();
        }
    }
}
