package io.fmkt.core.data;

import java.util.BitSet;

/** Small in-memory image sets and partition checks for the partitioner tests. */
final class SyntheticImages {
    private SyntheticImages() {
    }

    /** {@code n} blank images whose labels cycle 0,1,...,9,0,1,... */
    static ImageSet cycling(int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % ImageSet.NUM_CLASSES);
        }
        return new ImageSet(labels, new byte[n * ImageSet.IMAGE_BYTES]);
    }

    /** Blank images with exactly {@code counts[k]} images of class k (classes interleaved). */
    static ImageSet withCounts(int... counts) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        byte[] labels = new byte[n];
        int[] left = counts.clone();
        int i = 0;
        while (i < n) {
            for (int k = 0; k < left.length; k++) {
                if (left[k] > 0) {
                    labels[i++] = (byte) k;
                    left[k]--;
                }
            }
        }
        return new ImageSet(labels, new byte[n * ImageSet.IMAGE_BYTES]);
    }

    /** Indices held by any client, after checking each is valid and held once. */
    static BitSet heldOnce(Partition p, ImageSet train) {
        BitSet seen = new BitSet();
        for (int c = 0; c < p.clients(); c++) {
            for (int i : p.indicesOf(c)) {
                if (i < 0 || i >= train.size()) {
                    throw new AssertionError("client " + c + " holds invalid index " + i);
                }
                if (seen.get(i)) {
                    throw new AssertionError("image " + i + " held twice");
                }
                seen.set(i);
            }
        }
        return seen;
    }

    static int nonZero(int[] row) {
        int n = 0;
        for (int x : row) {
            if (x > 0) {
                n++;
            }
        }
        return n;
    }
}
