package io.fmkt.core.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.NoGrad;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageOutputs;
import io.fmkt.core.numerics.ConvolutionSwitch;
import io.fmkt.core.numerics.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The four stage maps of a model on a fixed probe batch (eval mode). Every client of a run uses
 * the same probe images, so snapshots of different models can be compared layer by layer (CKA).
 *
 * @param shapes per stage, the map's shape (probe, channels, height, width)
 * @param maps   per stage, the values in row-major order
 */
public record FeatureSnapshot(long[][] shapes, float[][] maps) {

    public FeatureSnapshot {
        if (shapes.length != maps.length) {
            throw new IllegalArgumentException(shapes.length + " shapes for " + maps.length + " maps");
        }
        for (int i = 0; i < maps.length; i++) {
            if (new Shape(shapes[i]).size() != maps[i].length) {
                throw new IllegalArgumentException("map " + (i + 1) + " has shape " + Arrays.toString(shapes[i])
                        + " but " + maps[i].length + " values");
            }
        }
    }

    /** The run's probe images: {@code n} test images chosen by the run seed. */
    public static ImageSet probe(ImageSet test, int n, long runSeed) {
        SplittableRandom rng = Seeds.rng(runSeed, Seeds.Purpose.PROBE);
        int[] idx = rng.ints(0, test.size()).distinct().limit(Math.min(n, test.size())).toArray();
        return test.select(idx);
    }

    public static FeatureSnapshot capture(ResNetModel model, ImageSet probe) {
        int[] all = java.util.stream.IntStream.range(0, probe.size()).toArray();
        Batch b = BatchAssembler.assemble(probe, all, null, null);
        try (ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(model.width());
             NoGrad ignored = NoGrad.enter(); NDManager m = NDManager.newBaseManager()) {
            StageOutputs out = model.forward(m.create(b.images(), new Shape(b.shape())), false);
            long[][] shapes = new long[out.stages().size()][];
            float[][] maps = new float[shapes.length][];
            for (int i = 0; i < shapes.length; i++) {
                NDArray f = out.stages().get(i);
                shapes[i] = f.getShape().getShape();
                maps[i] = f.toFloatArray();
            }
            return new FeatureSnapshot(shapes, maps);
        }
    }

    public int stages() {
        return maps.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSnapshot f && Arrays.deepEquals(shapes, f.shapes) && Arrays.deepEquals(maps, f.maps);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(maps);
    }
}
