package io.fmkt.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fmkt.core.data.Augmentation;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mini-batches of one epoch: a seeded shuffle of the data, cut into batches; augmentation
 * draws from the same stream, so (seed, epoch) fixes every pixel the model sees.
 */
public final class BatchStream {
    private BatchStream() {
    }

    /**
     * The one check of a training batch size, for local training, fusion and the config: BatchNorm
     * cannot normalise over one sample.
     */
    /**
     * Index batches of one epoch. A trailing batch of a single image is dropped: BatchNorm cannot
     * normalise over one sample.
     */
    static List<int[]> epoch(int size, int batchSize, SplittableRandom rng) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < size; from += batchSize) {
            int to = Math.min(size, from + batchSize);
            if (to - from >= 2) {
                batches.add(java.util.Arrays.copyOfRange(order, from, to));
            }
        }
        return batches;
    }

    /** The images of one batch as (B,3,32,32) floats and (B) int labels in {@code manager}. */
    static NDArray[] tensors(NDManager manager, ImageSet data, int[] indices, boolean augment, SplittableRandom rng) {
        return tensors(manager, BatchAssembler.assemble(data, indices, augmentation(augment), rng));
    }

    static NDArray[] tensors(NDManager manager, Batch b) {
        return new NDArray[] {manager.create(b.images(), new Shape(b.shape())), manager.create(b.labels())};
    }

    static Augmentation augmentation(boolean augment) {
        return augment ? Augmentation.CIFAR_STANDARD : null;
    }

    /** One epoch's batches, assembled one step ahead (see {@link BatchPrefetch}); {@code rng} is theirs till closed. */
    static BatchPrefetch prefetch(ImageSet data, List<int[]> epoch, boolean augment, SplittableRandom rng) {
        return new BatchPrefetch(data, epoch, augmentation(augment), rng);
    }
}
