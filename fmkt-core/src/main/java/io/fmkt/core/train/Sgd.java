package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.fmkt.core.config.SgdSettings;
import io.fmkt.core.model.NoGrad;
import io.fmkt.core.numerics.Scalars;
import java.util.List;

/**
 * The optimiser of one model. Written out rather than DJL's Trainer because DJL 0.36's PyTorch
 * GradientCollector never zeroes gradients (only Trainer.step does, and only for its own store),
 * and because mutual distillation must step two models from one backward pass.
 */
public final class Sgd implements AutoCloseable {
    private final List<Parameter> parameters;
    private final NDArray[] momentumBuffers;
    private final SgdSettings settings;

    public Sgd(List<Parameter> allParameters, SgdSettings settings) {
        this.parameters = allParameters.stream().filter(Parameter::requiresGradient).toList();
        this.momentumBuffers = new NDArray[parameters.size()];
        this.settings = settings;
    }

    /**
     * Applies the gradients accumulated by the last backward pass and zeroes them, after the
     * GradientCollector is closed (leaf tensors are updated in place, with grad mode off).
     *
     * @return the global gradient norm before clipping
     */
    public double step() {
        try (NoGrad ignored = NoGrad.enter()) {
            return update();
        }
    }

    private double update() {
        NDArray[] grads = new NDArray[parameters.size()];
        double sq = 0;
        for (int i = 0; i < grads.length; i++) {
            grads[i] = parameters.get(i).getArray().getGradient();
            try (NDArray square = grads[i].square(); NDArray s = square.sum()) {
                sq += s.getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        double clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
                ? settings.maxGradNorm() / (norm + 1e-6) : 1.0;
        float lr = (float) settings.learningRate();
        float wd = (float) settings.weightDecay();
        float mu = (float) settings.momentum();
        for (int i = 0; i < grads.length; i++) {
            NDArray w = parameters.get(i).getArray();
            NDArray g = grads[i];
            if (clip != 1.0) {
                g.muli(Scalars.of(g, (float) clip));
            }
            if (wd != 0) {
                try (NDArray c = Scalars.of(w, wd); NDArray decay = w.mul(c)) {
                    g.addi(decay);
                }
            }
            NDArray direction = g;
            if (mu != 0) {
                if (momentumBuffers[i] == null) {
                    momentumBuffers[i] = g.duplicate();
                } else {
                    try (NDArray c = Scalars.of(g, mu)) {
                        momentumBuffers[i].muli(c).addi(g);
                    }
                }
                direction = momentumBuffers[i];
            }
            try (NDArray c = Scalars.of(direction, lr); NDArray delta = direction.mul(c)) {
                w.subi(delta);
            }
            JniUtils.zeroGrad((PtNDArray) w);
            g.close();
        }
        return norm;
    }

    /** Forgets the gradients of a step that will not be applied (e.g. a non-finite loss). */
    public void discardGradients() {
        for (Parameter p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }

    @Override
    public void close() {
        for (NDArray b : momentumBuffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
