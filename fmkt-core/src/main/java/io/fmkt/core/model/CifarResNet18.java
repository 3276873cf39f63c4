package io.fmkt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.numerics.ConvShape;

/**
 * CIFAR ResNet-18 with stage taps. The CIFAR variant (as in RepDistiller's port) replaces
 * ImageNet's 7x7/2 stem and max-pool with one 3x3/1 convolution, so a 32x32 input keeps its
 * resolution into stage 1.
 *
 * <p>Tap contract: {@code forward} returns {@code [logits, F1, F2, F3, F4]} where for an input of
 * shape (B, 3, 32, 32) and width w the stage outputs are
 * F1 (B, w, 32, 32), F2 (B, 2w, 16, 16), F3 (B, 4w, 8, 8), F4 (B, 8w, 4, 4), and logits (B, classes).
 */
public final class CifarResNet18 extends AbstractBlock {
    /** Blocks per stage: ResNet-18 = BasicBlock x [2, 2, 2, 2]. */
    static final int[] DEPTHS = {2, 2, 2, 2};
    static final int[] STRIDES = {1, 2, 2, 2};
    public static final int STAGES = DEPTHS.length;
    public static final String ARCHITECTURE = "cifar-resnet18";

    private final int width;
    private final int classes;
    private final Block stem;
    private final Block[] stages = new Block[STAGES];
    private final Block fc;

    private CifarResNet18(int width, int classes) {
        super((byte) 1);
        this.width = width;
        this.classes = classes;
        stem = addChildBlock("stem", new SequentialBlock()
                .add(BasicBlock.conv3x3(width, 1))
                .add(BasicBlock.batchNorm())
                .add(Activation::relu));
        int inPlanes = width;
        for (int s = 0; s < STAGES; s++) {
            int planes = width << s;
            stages[s] = addChildBlock("layer" + (s + 1), makeStage(inPlanes, planes, DEPTHS[s], STRIDES[s]));
            inPlanes = planes;
        }
        fc = addChildBlock("fc", Linear.builder().setUnits(classes).build());
    }

    /** The only place with shape logic: the first block of a stage changes stride and width. */
    private static Block makeStage(int inPlanes, int planes, int blocks, int stride) {
        SequentialBlock stage = new SequentialBlock();
        stage.add(new BasicBlock(inPlanes, planes, stride));
        for (int i = 1; i < blocks; i++) {
            stage.add(new BasicBlock(planes, planes, 1));
        }
        return stage;
    }

    public static CifarResNet18 create(int width, int classes) {
        if (width < 1) {
            throw new IllegalArgumentException("ResNet-18 width must be >= 1, got " + width);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("ResNet-18 needs >= 2 classes, got " + classes);
        }
        return new CifarResNet18(width, classes);
    }

    /**
     * Every distinct convolution of the network at {@code width} on 32x32 inputs, as kernels see them
     * (a stage's second block repeats its first block's second convolution). The kernel check runs
     * these; {@code CifarResNet18Test} holds the list to the parameters the blocks make.
     */
    public static java.util.List<ConvShape> convolutions(int width) {
        java.util.List<ConvShape> out = new java.util.ArrayList<>();
        int size = ImageSet.HEIGHT;
        out.add(new ConvShape("stem.conv", ImageSet.CHANNELS, width, 3, 1, size));
        int inPlanes = width;
        for (int s = 0; s < STAGES; s++) {
            int planes = width << s;
            String name = "layer" + (s + 1) + ".0.";
            out.add(new ConvShape(name + "conv1", inPlanes, planes, 3, STRIDES[s], size));
            int outSize = size / STRIDES[s];
            out.add(new ConvShape(name + "conv2", planes, planes, 3, 1, outSize));
            if (STRIDES[s] != 1 || inPlanes != planes) {
                out.add(new ConvShape(name + "downsample", inPlanes, planes, 1, STRIDES[s], size));
            }
            inPlanes = planes;
            size = outSize;
        }
        return out;
    }

    public int width() {
        return width;
    }

    public int classes() {
        return classes;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = stem.forward(ps, inputs, training);
        NDArray[] out = new NDArray[STAGES + 1];
        for (int s = 0; s < STAGES; s++) {
            x = stages[s].forward(ps, x, training);
            out[s + 1] = x.singletonOrThrow();
        }
        NDArray pooled = Pool.globalAvgPool2d(out[STAGES]);
        out[0] = fc.forward(ps, new NDList(pooled), training).singletonOrThrow();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long h = inputShapes[0].get(2);
        long w = inputShapes[0].get(3);
        Shape[] shapes = new Shape[STAGES + 1];
        shapes[0] = new Shape(b, classes);
        long scale = 1;
        for (int s = 0; s < STAGES; s++) {
            scale *= STRIDES[s];
            shapes[s + 1] = new Shape(b, (long) width << s, h / scale, w / scale);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shape = inputShapes;
        stem.initialize(manager, dataType, shape);
        shape = stem.getOutputShapes(shape);
        for (Block stage : stages) {
            stage.initialize(manager, dataType, shape);
            shape = stage.getOutputShapes(shape);
        }
        fc.initialize(manager, dataType, new Shape(shape[0].get(0), shape[0].get(1)));
    }
}
