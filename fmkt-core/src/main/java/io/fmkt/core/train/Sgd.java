package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    private Constants constants;

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
        NDArray[] squares = new NDArray[grads.length];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = parameters.get(i).getArray().getGradient();
            try (NDArray square = grads[i].square()) {
                squares[i] = square.sum();
            }
        }
        // one read for all parameters (a read per parameter waited on the engine 62 times a step);
        // the same float32 sums, added in the same order as before
        float[] perParameter;
        try (NDArray all = NDArrays.stack(new NDList(squares))) {
            perParameter = all.toFloatArray();
        } finally {
            for (NDArray sq : squares) {
                sq.close();
            }
        }
        double sq = 0;
        for (float v : perParameter) {
            sq += v;
        }
        double norm = Math.sqrt(sq);
        double clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
                ? settings.maxGradNorm() / (norm + 1e-6) : 1.0;
        float wd = (float) settings.weightDecay();
        float mu = (float) settings.momentum();
        Constants k = constants();
        for (int i = 0; i < grads.length; i++) {
            NDArray w = parameters.get(i).getArray();
            NDArray g = grads[i];
            if (clip != 1.0) {
                try (NDArray c = Scalars.of(g, (float) clip)) {
                    g.muli(c);
                }
            }
            if (wd != 0) {
                try (NDArray decay = w.mul(k.weightDecay)) {
                    g.addi(decay);
                }
            }
            NDArray direction = g;
            if (mu != 0) {
                if (momentumBuffers[i] == null) {
                    momentumBuffers[i] = g.duplicate();
                } else {
                    momentumBuffers[i].muli(k.momentum).addi(g);
                }
                direction = momentumBuffers[i];
            }
            try (NDArray delta = direction.mul(k.learningRate)) {
                w.subi(delta);
            }
            JniUtils.zeroGrad((PtNDArray) w);
            g.close();
        }
        return norm;
    }

    /** The step's constant operands, made once per optimiser (PyTorch-owned memory, see {@link Scalars}). */
    private record Constants(NDManager owner, NDArray learningRate, NDArray weightDecay, NDArray momentum) {
    }

    private Constants constants() {
        if (constants == null) {
            NDManager owner = NDManager.newBaseManager();
            NDArray anchor = owner.zeros(new ai.djl.ndarray.types.Shape());
            constants = new Constants(owner, Scalars.of(anchor, (float) settings.learningRate()),
                    Scalars.of(anchor, (float) settings.weightDecay()), Scalars.of(anchor, (float) settings.momentum()));
        }
        return constants;
    }

    /** Forgets the gradients of a step that will not be applied (e.g. a non-finite loss). */
    public void discardGradients() {
        for (Parameter p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }

    @Override
    public void close() {
        if (constants != null) {
            constants.owner().close();
        }
        for (NDArray b : momentumBuffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
