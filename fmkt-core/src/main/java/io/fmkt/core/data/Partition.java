package io.fmkt.core.data;

import io.fmkt.core.numerics.Seeds;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Which training images each client holds: {@code clientIndices[c]} are indices into the training
 * {@link ImageSet}. Clients never share an image; the constructor checks that, so a broken
 * partitioner fails loudly instead of silently leaking data between clients.
 *
 * <p>The arrays are copied in and out, so a partition is immutable; equality compares contents
 * (record equality on arrays would compare references).
 */
public record Partition(int[][] clientIndices) {

    public Partition {
        int[][] copy = new int[clientIndices.length][];
        BitSet seen = new BitSet();
        for (int c = 0; c < clientIndices.length; c++) {
            copy[c] = clientIndices[c].clone();
            for (int i : copy[c]) {
                if (i < 0) {
                    throw new IllegalArgumentException("Partition: client " + c + " holds negative index " + i);
                }
                if (seen.get(i)) {
                    throw new IllegalArgumentException("Partition: image " + i + " is held twice (again by client " + c + ")");
                }
                seen.set(i);
            }
        }
        clientIndices = copy;
    }

    /** A deep copy: callers cannot change the partition through it. */
    @Override
    public int[][] clientIndices() {
        int[][] copy = new int[clientIndices.length][];
        for (int c = 0; c < copy.length; c++) {
            copy[c] = clientIndices[c].clone();
        }
        return copy;
    }

    public int clients() {
        return clientIndices.length;
    }

    /** A copy of client {@code client}'s training indices. */
    public int[] indicesOf(int client) {
        return clientIndices[client].clone();
    }

    /** Number of images client {@code client} holds. */
    public int sizeOf(int client) {
        return clientIndices[client].length;
    }

    /** Total number of images held by all clients. */
    public int totalSize() {
        int n = 0;
        for (int[] idx : clientIndices) {
            n += idx.length;
        }
        return n;
    }

    /** {@code [client][class]} image counts. */
    public int[][] histogram(TrainingImages train) {
        requireWithin(train);
        int[][] h = new int[clientIndices.length][ImageSet.NUM_CLASSES];
        for (int c = 0; c < clientIndices.length; c++) {
            for (int i : clientIndices[c]) {
                h[c][train.label(i)]++;
            }
        }
        return h;
    }

    /** The histogram as a table: one row per client, one column per class, a total column, and an "all" row. */
    public String formatHistogram(TrainingImages train) {
        return format(histogram(train));
    }

    private static String format(int[][] h) {
        int totalSize = 0;
        for (int[] row : h) {
            for (int n : row) {
                totalSize += n;
            }
        }
        int[] all = new int[ImageSet.NUM_CLASSES];
        for (int[] row : h) {
            for (int k = 0; k < all.length; k++) {
                all[k] += row[k];
            }
        }
        int width = Math.max(5, Integer.toString(totalSize).length()) + 1;
        String rowFmt = "%-7s";
        StringBuilder sb = new StringBuilder(String.format(rowFmt, "client"));
        for (int k = 0; k < ImageSet.NUM_CLASSES; k++) {
            sb.append(String.format("%" + width + "s", "c" + k));
        }
        sb.append(String.format("%" + width + "s", "total")).append('\n');
        for (int c = 0; c <= h.length; c++) {
            int[] row = c < h.length ? h[c] : all;
            sb.append(String.format(rowFmt, c < h.length ? Integer.toString(c) : "all"));
            int total = 0;
            for (int n : row) {
                sb.append(String.format("%" + width + "d", n));
                total += n;
            }
            sb.append(String.format("%" + width + "d", total)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Each client cut down to at most {@code maxPerClient} images, keeping its class proportions:
     * every class it holds keeps at least one image (when {@code maxPerClient} is at least the number
     * of classes it holds; otherwise its largest classes keep one each), and the remaining places are
     * apportioned by the Sainte-Lague method (proportional to the class counts). Which images of a class
     * survive is a seeded random choice per client; survivors keep their original order.
     */
    public Partition capped(int maxPerClient, TrainingImages train, long runSeed) {
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("Partition cap must be >= 1, got " + maxPerClient);
        }
        int[][] hist = histogram(train);
        int[][] out = new int[clientIndices.length][];
        for (int c = 0; c < clientIndices.length; c++) {
            int[] idx = clientIndices[c];
            if (idx.length <= maxPerClient) {
                out[c] = idx.clone();
                continue;
            }
            int[] quota = stratifiedQuota(hist[c], maxPerClient);
            // Per client stream: the cap of one client does not depend on any other client.
            SplittableRandom rng = Seeds.rng(runSeed, Seeds.Purpose.PARTITION, Partitioners.STREAM_CAP, c);
            int[] order = Partitioners.identity(idx.length);
            Partitioners.shuffle(order, rng);
            boolean[] keep = new boolean[idx.length];
            int[] taken = new int[ImageSet.NUM_CLASSES];
            for (int pos : order) {
                int label = train.label(idx[pos]);
                if (taken[label] < quota[label]) {
                    taken[label]++;
                    keep[pos] = true;
                }
            }
            int[] kept = new int[maxPerClient];
            int n = 0;
            for (int pos = 0; pos < idx.length; pos++) {
                if (keep[pos]) {
                    kept[n++] = idx[pos];
                }
            }
            out[c] = kept;
        }
        return new Partition(out);
    }

    /** Per-class counts summing to {@code cap} (< sum of counts), proportional to {@code counts}, at least 1 per held class where possible. */
    static int[] stratifiedQuota(int[] counts, int cap) {
        int[] quota = new int[counts.length];
        int left = cap;
        // Seed one image per held class, largest classes first, so the class set survives the cap.
        Integer[] bySize = new Integer[counts.length];
        for (int k = 0; k < counts.length; k++) {
            bySize[k] = k;
        }
        Arrays.sort(bySize, (a, b) -> counts[b] != counts[a] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b));
        for (int k : bySize) {
            if (left > 0 && counts[k] > 0) {
                quota[k] = 1;
                left--;
            }
        }
        // Then hand out the rest one at a time by Sainte-Lague priority counts/(2*quota+1): it keeps
        // relative shares, so the seats forced onto tiny classes come mostly out of the big ones.
        for (; left > 0; left--) {
            int best = -1;
            double bestPriority = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < counts.length; k++) {
                double priority = counts[k] / (2.0 * quota[k] + 1);
                if (quota[k] < counts[k] && priority > bestPriority) {
                    bestPriority = priority;
                    best = k;
                }
            }
            quota[best]++;
        }
        return quota;
    }

    private void requireWithin(TrainingImages train) {
        for (int c = 0; c < clientIndices.length; c++) {
            for (int i : clientIndices[c]) {
                if (i >= train.size()) {
                    throw new IllegalArgumentException("Partition: client " + c + " holds index " + i
                            + " but the training set has only " + train.size() + " images");
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partition p && Arrays.deepEquals(clientIndices, p.clientIndices);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(clientIndices);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Partition[clients=").append(clients()).append(", sizes=");
        int[] sizes = new int[clients()];
        for (int c = 0; c < sizes.length; c++) {
            sizes[c] = clientIndices[c].length;
        }
        return sb.append(Arrays.toString(sizes)).append(']').toString();
    }
}
