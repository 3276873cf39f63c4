package io.fmkt.core.data;

import java.util.Arrays;

/**
 * Labelled CIFAR-style images kept as raw bytes, exactly as the binary format stores them:
 * per image 3 planes (R, G, B) of 32x32 row-major pixels. Bytes, not floats, so the 50,000
 * training images cost 150 MB instead of 600 MB; conversion to normalised floats happens per batch.
 */
public record ImageSet(byte[] labels, byte[] pixels) implements TrainingImages {
    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;
    public static final int NUM_CLASSES = 10;

    public ImageSet {
        if ((long) labels.length * IMAGE_BYTES != pixels.length) {
            throw new IllegalArgumentException("ImageSet: " + labels.length + " labels need "
                    + (long) labels.length * IMAGE_BYTES + " pixel bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= NUM_CLASSES) {
                throw new IllegalArgumentException("ImageSet: label " + labels[i] + " of image " + i
                        + " is outside 0.." + (NUM_CLASSES - 1));
            }
        }
    }

    /** The images at the given indices, in that order (indices may repeat). */
    @Override
    public ImageSet select(int[] indices) {
        return TrainingImages.select(labels, indices,
                (i, out, offset) -> System.arraycopy(pixels, i * IMAGE_BYTES, out, offset, IMAGE_BYTES));
    }

    /** The first {@code n} images (all of them if there are fewer). */
    public ImageSet head(int n) {
        int m = Math.min(n, size());
        return new ImageSet(Arrays.copyOf(labels, m), Arrays.copyOf(pixels, m * IMAGE_BYTES));
    }
}
