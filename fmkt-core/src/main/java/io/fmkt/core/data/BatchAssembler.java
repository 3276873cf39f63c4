package io.fmkt.core.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Turns stored byte images into the float batch a training or evaluation step consumes. This is
 * the only place pixels become floats, so normalisation and augmentation cannot drift apart
 * between the trainer, the fusion step and evaluation.
 */
public final class BatchAssembler {
    private BatchAssembler() {
    }

    /**
     * The images {@code set[indices[0]], set[indices[1]], ...} (in that order), augmented when
     * {@code augmentation} is non-null and normalised with CIFAR-10 statistics.
     *
     * @param rng the stream augmentation draws from (image by image, in index order); it may be
     *            null only when {@code augmentation} is null. The same stream state gives the same batch.
     */
    public static Batch assemble(ImageSet set, int[] indices, Augmentation augmentation, SplittableRandom rng) {
        return assemble(set, indices, augmentation, rng, Normalization.CIFAR10);
    }

    /** As {@link #assemble(ImageSet, int[], Augmentation, SplittableRandom)} with explicit statistics. */
    public static Batch assemble(ImageSet set, int[] indices, Augmentation augmentation, SplittableRandom rng,
                                 Normalization norm) {
        if (augmentation != null) {
            Objects.requireNonNull(rng, "BatchAssembler: augmentation needs a random stream");
        }
        int n = indices.length;
        float[] images = new float[n * ImageSet.IMAGE_BYTES];
        int[] labels = new int[n];
        byte[] pixels = set.pixels();
        for (int k = 0; k < n; k++) {
            int i = indices[k];
            if (i < 0 || i >= set.size()) {
                throw new IndexOutOfBoundsException("BatchAssembler: index " + i + " at position " + k
                        + " is outside an image set of " + set.size());
            }
            labels[k] = set.label(i);
            int src = i * ImageSet.IMAGE_BYTES;
            int dst = k * ImageSet.IMAGE_BYTES;
            if (augmentation == null) {
                norm.apply(pixels, src, images, dst);
            } else {
                augmentation.apply(pixels, src, norm, images, dst, rng);
            }
        }
        return new Batch(n, images, labels);
    }
}
