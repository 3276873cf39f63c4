package io.fmkt.core.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * A scope with autograd off. PyTorch's grad mode is per thread and on by default in a new thread
 * (DJL turns it off only in the thread that starts the engine), so code that may run on a
 * service's worker thread must say so: evaluation must not build graphs, and in-place updates of
 * leaf parameters are refused while grad mode is on.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
