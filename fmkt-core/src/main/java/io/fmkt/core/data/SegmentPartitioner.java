package io.fmkt.core.data;

import io.fmkt.core.numerics.Seeds;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Pathological non-IID split of the seed paper: each client holds exactly {@code k} of the 10
 * classes (the paper uses k=8 and k=4).
 *
 * <p>Class assignment, balanced by construction: the 10 classes are put on a wheel in a seeded
 * random order, and client {@code c} takes the {@code k} consecutive wheel positions
 * {@code c*k .. c*k+k-1 (mod 10)}. Consecutive clients tile the wheel, so the {@code N*k} slots
 * cover every class either {@code floor(N*k/10)} or {@code ceil(N*k/10)} times, and a client's
 * {@code k <= 10} consecutive positions are distinct classes. The seeded order randomises which
 * classes share a client. The class sets repeat with period {@code lcm(10,k)/k} clients (for
 * N=10 and k=4 or 8, clients c and c+5 hold the same classes), the price of exact tiling.
 *
 * <p>Each class's images (shuffled per class) are then dealt in contiguous chunks whose sizes differ
 * by at most 1 among the clients holding it. If {@code N*k < 10} some classes have no holder and
 * their images are left out; if a class has fewer images than holders, some holders get none.
 */
public record SegmentPartitioner(int k) implements Partitioner {

    public SegmentPartitioner {
        if (k < 1 || k > ImageSet.NUM_CLASSES) {
            throw new IllegalArgumentException("segment: k must be in 1.." + ImageSet.NUM_CLASSES + ", got " + k);
        }
    }

    /** {@code [client][j]}: the j-th class client holds, per the seeded wheel described above. */
    public int[][] classAssignment(int clients, long runSeed) {
        Partitioners.requireClients(clients);
        int[] wheel = Partitioners.identity(ImageSet.NUM_CLASSES);
        Partitioners.shuffle(wheel, Seeds.rng(runSeed, Seeds.Purpose.PARTITION, Partitioners.STREAM_SEGMENT_WHEEL));
        int[][] classes = new int[clients][k];
        for (int c = 0; c < clients; c++) {
            for (int j = 0; j < k; j++) {
                classes[c][j] = wheel[(int) (((long) c * k + j) % ImageSet.NUM_CLASSES)];
            }
        }
        return classes;
    }

    @Override
    public Partition split(TrainingImages train, int clients, long runSeed) {
        int[][] classes = classAssignment(clients, runSeed);
        int[][] byClass = Partitioners.shuffledIndicesByClass(train, runSeed);
        Partitioners.Builder out = new Partitioners.Builder(clients);
        for (int cls = 0; cls < ImageSet.NUM_CLASSES; cls++) {
            int[] holders = holdersOf(cls, classes);
            if (holders.length == 0) {
                continue;
            }
            int[] sizes = Partitioners.evenSizes(byClass[cls].length, holders.length);
            int from = 0;
            for (int h = 0; h < holders.length; h++) {
                out.add(holders[h], byClass[cls], from, from + sizes[h]);
                from += sizes[h];
            }
        }
        return out.build();
    }

    private static int[] holdersOf(int cls, int[][] classes) {
        return IntStream.range(0, classes.length)
                .filter(c -> Arrays.stream(classes[c]).anyMatch(x -> x == cls))
                .toArray();
    }

    @Override
    public String toString() {
        return "segment:" + k;
    }
}
