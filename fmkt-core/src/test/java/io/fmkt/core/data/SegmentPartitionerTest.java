package io.fmkt.core.data;

import static io.fmkt.core.data.SyntheticImages.cycling;
import static io.fmkt.core.data.SyntheticImages.heldOnce;
import static io.fmkt.core.data.SyntheticImages.nonZero;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SegmentPartitionerTest {
    private static final ImageSet TRAIN = cycling(1000); // 100 images per class
    private static final long SEED = 42;

    @ParameterizedTest(name = "N={0}, k={1}")
    @CsvSource({"10,8", "10,4", "7,3", "20,4", "3,10", "13,7"})
    void eachClientHoldsExactlyKDistinctClasses(int clients, int k) {
        Partition p = new SegmentPartitioner(k).split(TRAIN, clients, SEED);
        int[][] h = p.histogram(TRAIN);
        for (int c = 0; c < clients; c++) {
            assertThat(nonZero(h[c])).as("classes of client %d", c).isEqualTo(k);
        }
        int[][] assigned = new SegmentPartitioner(k).classAssignment(clients, SEED);
        for (int[] classes : assigned) {
            assertThat(Arrays.stream(classes).distinct().count()).isEqualTo(k);
        }
    }

    @ParameterizedTest(name = "N={0}, k={1}")
    @CsvSource({"10,8", "10,4", "7,3", "20,4", "13,7"})
    void everyClassIsHeldByAboutTheSameNumberOfClients(int clients, int k) {
        int[][] h = new SegmentPartitioner(k).split(TRAIN, clients, SEED).histogram(TRAIN);
        int[] holders = new int[ImageSet.NUM_CLASSES];
        for (int[] row : h) {
            for (int cls = 0; cls < row.length; cls++) {
                holders[cls] += row[cls] > 0 ? 1 : 0;
            }
        }
        int lo = clients * k / ImageSet.NUM_CLASSES;
        assertThat(Arrays.stream(holders).boxed()).allSatisfy(n -> assertThat(n).isBetween(lo, lo + 1));
        assertThat(Arrays.stream(holders).sum()).isEqualTo(clients * k);
    }

    @ParameterizedTest(name = "N={0}, k={1}")
    @CsvSource({"10,8", "10,4", "7,3", "13,7"})
    void eachClassIsSplitEvenlyAmongItsHolders(int clients, int k) {
        int[][] h = new SegmentPartitioner(k).split(TRAIN, clients, SEED).histogram(TRAIN);
        for (int cls = 0; cls < ImageSet.NUM_CLASSES; cls++) {
            int finalCls = cls;
            int[] shares = Arrays.stream(h).mapToInt(row -> row[finalCls]).filter(n -> n > 0).toArray();
            int min = Arrays.stream(shares).min().orElseThrow();
            int max = Arrays.stream(shares).max().orElseThrow();
            assertThat(max - min).as("share spread of class %d", cls).isLessThanOrEqualTo(1);
            assertThat(Arrays.stream(shares).sum()).isEqualTo(100);
        }
    }

    @Test
    void paperSettingK4On10ClientsGives25ImagesPerHeldClass() {
        int[][] h = new SegmentPartitioner(4).split(TRAIN, 10, SEED).histogram(TRAIN);
        for (int[] row : h) {
            assertThat(Arrays.stream(row).filter(n -> n > 0)).containsOnly(25);
        }
    }

    @Test
    void clientsAreDisjointAndCoverAllImages() {
        Partition p = new SegmentPartitioner(8).split(TRAIN, 10, SEED);
        assertThat(heldOnce(p, TRAIN).cardinality()).isEqualTo(TRAIN.size());
    }

    @Test
    void kTenGivesEveryClientEveryClassInEvenShares() {
        int[][] h = new SegmentPartitioner(10).split(TRAIN, 4, SEED).histogram(TRAIN);
        for (int[] row : h) {
            assertThat(row).containsOnly(25);
        }
    }

    @Test
    void sameSeedGivesSamePartitionAndAnotherSeedADifferentOne() {
        SegmentPartitioner seg = new SegmentPartitioner(4);
        assertThat(seg.split(TRAIN, 10, SEED)).isEqualTo(seg.split(TRAIN, 10, SEED));
        assertThat(seg.split(TRAIN, 10, SEED + 1)).isNotEqualTo(seg.split(TRAIN, 10, SEED));
    }

    @Test
    void classAssignmentDependsOnTheSeed() {
        SegmentPartitioner seg = new SegmentPartitioner(4);
        long differing = java.util.stream.LongStream.range(0, 20)
                .filter(s -> !Arrays.deepEquals(seg.classAssignment(10, s), seg.classAssignment(10, 0)))
                .count();
        assertThat(differing).isGreaterThanOrEqualTo(18);
    }

    @Test
    void kOutsideOneToTenIsRejected() {
        assertThatThrownBy(() -> new SegmentPartitioner(0)).hasMessageContaining("1..10");
        assertThatThrownBy(() -> new SegmentPartitioner(11)).hasMessageContaining("11");
    }
}
