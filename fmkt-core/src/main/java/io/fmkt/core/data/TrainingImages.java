package io.fmkt.core.data;

/**
 * A run's training images as partitioning and training see them: the labels up front (a
 * {@link Partitioner} reads nothing else) and the pixels of chosen images on demand. An
 * {@link ImageSet} is one, held in memory; {@link SyntheticCifar#trainingImages} is another that
 * draws each image when it is asked for, so a process holds the pixels of only the shards it uses.
 */
public interface TrainingImages {

    /** The class of every image, in {@code 0..NUM_CLASSES-1}; not a copy. */
    byte[] labels();

    /** The images at the given indices, in that order. */
    ImageSet select(int[] indices);

    default int size() {
        return labels().length;
    }

    default int label(int i) {
        return labels()[i];
    }

    /** Number of images of each class. */
    default int[] classCounts() {
        int[] counts = new int[ImageSet.NUM_CLASSES];
        for (byte l : labels()) {
            counts[l]++;
        }
        return counts;
    }

    /** Writes image {@code index}'s pixels into {@code out[offset..offset+IMAGE_BYTES)}. */
    @FunctionalInterface
    interface Pixels {
        void write(int index, byte[] out, int offset);
    }

    /** The images at {@code indices} of a set with these {@code labels}, each image's pixels from {@code pixels}. */
    static ImageSet select(byte[] labels, int[] indices, Pixels pixels) {
        byte[] l = new byte[indices.length];
        byte[] p = new byte[Math.multiplyExact(indices.length, ImageSet.IMAGE_BYTES)];
        for (int k = 0; k < indices.length; k++) {
            l[k] = labels[indices[k]];
            pixels.write(indices[k], p, k * ImageSet.IMAGE_BYTES);
        }
        return new ImageSet(l, p);
    }
}
