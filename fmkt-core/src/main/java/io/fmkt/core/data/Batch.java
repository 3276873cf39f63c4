package io.fmkt.core.data;

/**
 * A training or evaluation mini-batch ready for the network: {@code images} holds {@code n}
 * normalised images in NCHW order ({@code n * 3 * 32 * 32} floats), {@code labels} their classes.
 */
public record Batch(int n, float[] images, int[] labels) {
    public Batch {
        if (labels.length != n || (long) images.length != (long) n * ImageSet.IMAGE_BYTES) {
            throw new IllegalArgumentException("Batch of " + n + " needs " + n + " labels and "
                    + (long) n * ImageSet.IMAGE_BYTES + " floats, got " + labels.length + " and " + images.length);
        }
    }

    /** The {@code NCHW} shape, as the tensor library wants it. */
    public long[] shape() {
        return new long[] {n, ImageSet.CHANNELS, ImageSet.HEIGHT, ImageSet.WIDTH};
    }
}
