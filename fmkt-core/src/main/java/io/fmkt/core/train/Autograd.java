package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One step's autograd on this thread: graph recording on while the step's forward pass runs, then its
 * backward pass. In place of DJL's GradientCollector, which admits one per process (a static flag,
 * and a walk over every array of the process to zero gradients); PyTorch's grad mode is per thread
 * and its CPU backward runs on the calling thread, so two models may train on two threads, as the
 * simulator's pipelined rounds do. Gradients accumulate until {@link Sgd} applies and zeroes them.
 */
final class Autograd implements AutoCloseable {
    private final boolean previous;

    private Autograd() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    static Autograd record() {
        return new Autograd();
    }

    /** d(loss)/d(every leaf that requires gradients), added to their gradients. */
    void backward(NDArray loss) {
        try (NDArray seed = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
