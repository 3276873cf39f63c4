package io.fmkt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.numerics.ConvolutionSwitch;
import io.fmkt.core.numerics.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A CIFAR ResNet-18 and its parameters, owned by one NDManager. Parameters are listed in a fixed
 * order (the block's declaration order), which the weight codec and the optimiser rely on.
 */
public final class ResNetModel implements AutoCloseable {
    private final NDManager manager;
    private final CifarResNet18 block;
    private final ParameterStore store;
    private final List<Parameter> parameters;
    private final List<String> names;

    private ResNetModel(NDManager parent, int width, int classes) {
        manager = parent.newSubManager();
        block = CifarResNet18.create(width, classes);
        block.initialize(manager, DataType.FLOAT32,
                new Shape(1, ImageSet.CHANNELS, ImageSet.HEIGHT, ImageSet.WIDTH));
        store = new ParameterStore(manager, false);
        List<Parameter> ps = new ArrayList<>();
        List<String> ns = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            ns.add(p.getKey());
            ps.add(p.getValue());
        }
        parameters = Collections.unmodifiableList(ps);
        names = Collections.unmodifiableList(ns);
    }

    /**
     * A model initialised as torchvision initialises ResNet: Kaiming-normal (fan_out, ReLU) conv
     * weights, BatchNorm weight 1 / bias 0, and PyTorch's default U(-1/sqrt(fan_in), +) for the
     * linear head. Values are drawn in Java from the seed, so they do not depend on the engine.
     */
    public static ResNetModel initialised(NDManager parent, int width, int classes, long seed) {
        ResNetModel m = new ResNetModel(parent, width, classes);
        SplittableRandom rng = new SplittableRandom(seed);
        long fanIn = 1; // of the last weight seen: the linear head's bias shares its bound
        for (Parameter p : m.parameters) {
            Shape s = p.getArray().getShape();
            float[] v = new float[Math.toIntExact(s.size())];
            switch (p.getType()) {
                case WEIGHT -> {
                    if (s.dimension() == 4) {
                        double std = Math.sqrt(2.0 / (s.get(0) * s.get(2) * s.get(3)));
                        for (int i = 0; i < v.length; i++) {
                            v[i] = (float) (rng.nextGaussian() * std);
                        }
                    } else {
                        fanIn = s.get(1);
                        uniform(v, 1.0 / Math.sqrt(fanIn), rng);
                    }
                }
                case BIAS -> uniform(v, 1.0 / Math.sqrt(fanIn), rng);
                case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(v, 1f);
                default -> { } // BETA, RUNNING_MEAN: zeros
            }
            write(p.getArray(), v);
        }
        m.enableGradients();
        return m;
    }

    /** A model whose parameter values will be set by a codec (see {@link #setValues}). */
    public static ResNetModel blank(NDManager parent, int width, int classes) {
        ResNetModel m = new ResNetModel(parent, width, classes);
        m.enableGradients();
        return m;
    }

    private static void uniform(float[] v, double bound, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    private void enableGradients() {
        for (Parameter p : parameters) {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        }
    }

    /**
     * Forward pass; the outputs live in the manager of {@code images}. The caller holds a
     * {@link ConvolutionSwitch} lease for the whole step, its backward pass included: this width's
     * ({@link ConvolutionSwitch#forWidth}), or ATen's for a reference answer.
     */
    public StageOutputs forward(NDArray images, boolean training) {
        ConvolutionSwitch.requireHeld("a ResNet's forward pass");
        return StageOutputs.of(block.forward(store, new NDList(images), training));
    }

    public int width() {
        return block.width();
    }

    public int classes() {
        return block.classes();
    }

    /** All parameters including BatchNorm running statistics, in codec order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    public List<String> parameterNames() {
        return names;
    }

    /** Number of trainable values (BatchNorm running statistics excluded). */
    public long trainableParameterCount() {
        return parameters.stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().getShape().size()).sum();
    }

    /** Number of values the codec stores (running statistics included). */
    public long totalValueCount() {
        return parameters.stream().mapToLong(p -> p.getArray().getShape().size()).sum();
    }

    /** Every parameter's values, in codec order. */
    public float[][] values() {
        float[][] out = new float[parameters.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = parameters.get(i).getArray().toFloatArray();
        }
        return out;
    }

    /** Overwrites every parameter in place (no new arrays, so nothing leaks). */
    public void setValues(float[][] values) {
        if (values.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " parameter tensors, got "
                    + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            long expected = parameters.get(i).getArray().getShape().size();
            if (values[i].length != expected) {
                throw new IllegalArgumentException("parameter " + names.get(i) + " has " + expected
                        + " values, got " + values[i].length);
            }
        }
        // Leaf tensors that require gradients may only be written in place outside grad mode.
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < values.length; i++) {
                write(parameters.get(i).getArray(), values[i]);
            }
        }
    }

    /**
     * Copies {@code v} into {@code target}'s own storage. Not {@code NDArray.set(Buffer)}: in DJL 0.36
     * that makes the tensor's storage a pointer into a Java direct buffer (no copy), with malloc's
     * alignment (which then varies with the heap's history) and a lifetime that the GC decides.
     */
    private static void write(NDArray target, float[] v) {
        // Grad mode off: a parameter that requires gradients may only be written in place without it.
        try (NoGrad ignored = NoGrad.enter(); NDManager tmp = NDManager.newBaseManager()) {
            target.set(new ai.djl.ndarray.index.NDIndex(":"), tmp.create(v, target.getShape()));
        }
    }

    public void copyFrom(ResNetModel other) {
        setValues(other.values());
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** A fresh seed for model initialisation of a client. */
    public static long initSeed(long runSeed, int client) {
        return Seeds.derive(runSeed, Seeds.Purpose.INIT, client);
    }
}
