package io.fmkt.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ResNet's BasicBlock (He et al. 2016; torchvision {@code resnet.py}): two 3x3 convolutions with
 * BatchNorm and a residual connection, projected by a 1x1 convolution when the shape changes.
 */
final class BasicBlock extends AbstractBlock {
    private final Block conv1;
    private final Block bn1;
    private final Block conv2;
    private final Block bn2;
    private final Block downsample; // null: identity shortcut
    private final int planes;
    private final int stride;

    BasicBlock(int inPlanes, int planes, int stride) {
        super((byte) 1);
        this.planes = planes;
        this.stride = stride;
        conv1 = addChildBlock("conv1", conv3x3(planes, stride));
        bn1 = addChildBlock("bn1", batchNorm());
        conv2 = addChildBlock("conv2", conv3x3(planes, 1));
        bn2 = addChildBlock("bn2", batchNorm());
        if (stride != 1 || inPlanes != planes) {
            downsample = addChildBlock("downsample", new ai.djl.nn.SequentialBlock()
                    .add(conv1x1(planes, stride))
                    .add(batchNorm()));
        } else {
            downsample = null;
        }
    }

    static Block conv3x3(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1)).setFilters(filters).optBias(false).build();
    }

    static Block conv1x1(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(1, 1)).optStride(new Shape(stride, stride))
                .setFilters(filters).optBias(false).build();
    }

    static Block batchNorm() {
        // DJL's momentum 0.9 (keep 90 % of the running statistic) is PyTorch's momentum 0.1.
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = conv1.forward(ps, inputs, training);
        out = bn1.forward(ps, out, training);
        out = new NDList(Activation.relu(out.singletonOrThrow()));
        out = conv2.forward(ps, out, training);
        out = bn2.forward(ps, out, training);
        NDList identity = downsample == null ? inputs : downsample.forward(ps, inputs, training);
        return new NDList(Activation.relu(out.singletonOrThrow().add(identity.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), planes, in.get(2) / stride, in.get(3) / stride)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shape = inputShapes;
        for (Block b : new Block[] {conv1, bn1, conv2, bn2}) {
            b.initialize(manager, dataType, shape);
            shape = b.getOutputShapes(shape);
        }
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputShapes);
        }
    }
}
