package io.fmkt.core.data;

import static io.fmkt.core.data.SyntheticImages.cycling;
import static io.fmkt.core.data.SyntheticImages.heldOnce;
import static io.fmkt.core.data.SyntheticImages.withCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionTest {
    private static final ImageSet TRAIN = cycling(1000);

    @Test
    void anImageHeldByTwoClientsIsRejected() {
        assertThatThrownBy(() -> new Partition(new int[][] {{1, 2}, {3, 2}})).hasMessageContaining("image 2");
    }

    @Test
    void negativeIndexIsRejected() {
        assertThatThrownBy(() -> new Partition(new int[][] {{-1}})).hasMessageContaining("negative");
    }

    @Test
    void histogramRejectsIndexOutsideTheTrainingSet() {
        Partition p = new Partition(new int[][] {{0, 1000}});
        assertThatThrownBy(() -> p.histogram(TRAIN)).hasMessageContaining("1000");
    }

    @Test
    void callersCannotMutateThePartition() {
        int[][] raw = {{0, 1}, {2}};
        Partition p = new Partition(raw);
        raw[0][0] = 9;
        p.indicesOf(0)[1] = 9;
        p.clientIndices()[1][0] = 9;
        assertThat(p).isEqualTo(new Partition(new int[][] {{0, 1}, {2}}));
    }

    @Test
    void histogramCountsClassesPerClient() {
        Partition p = new Partition(new int[][] {{0, 10, 1}, {}, {9}});
        int[][] h = p.histogram(TRAIN);
        assertThat(h[0]).containsExactly(2, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(h[1]).containsOnly(0);
        assertThat(h[2][9]).isEqualTo(1);
    }

    @Test
    void formattedHistogramHasARowPerClientAndATotalColumn() {
        Partition p = new Partition(new int[][] {{0, 10, 1}, {9}});
        String[] lines = p.formatHistogram(TRAIN).split("\n");
        assertThat(lines).hasSize(1 + 2 + 1); // header, 2 clients, "all"
        assertThat(lines[0]).startsWith("client").contains("c0", "c9").endsWith("total");
        assertThat(lines[1].trim().split("\\s+")).containsExactly("0", "2", "1", "0", "0", "0", "0", "0", "0", "0", "0", "3");
        assertThat(lines[3].trim().split("\\s+")).startsWith("all").endsWith("4");
    }

    @Test
    void capKeepsAtMostCapImagesPerClientFromItsOwnImages() {
        Partition full = new SegmentPartitioner(4).split(TRAIN, 10, 1); // 100 images per client
        Partition capped = full.capped(30, TRAIN, 1);
        heldOnce(capped, TRAIN);
        for (int c = 0; c < 10; c++) {
            assertThat(capped.sizeOf(c)).isEqualTo(30);
            Set<Integer> own = new HashSet<>();
            Arrays.stream(full.indicesOf(c)).forEach(own::add);
            assertThat(own).containsAll(Arrays.stream(capped.indicesOf(c)).boxed().toList());
        }
    }

    @Test
    void capKeepsEachClientsClassSetAndProportions() {
        Partition full = new DirichletPartitioner(0.3).split(cycling(2000), 6, 3);
        ImageSet train = cycling(2000);
        int cap = 50;
        int[][] before = full.histogram(train);
        int[][] after = full.capped(cap, train, 3).histogram(train);
        for (int c = 0; c < 6; c++) {
            int n = Arrays.stream(before[c]).sum();
            int held = SyntheticImages.nonZero(before[c]);
            for (int k = 0; k < ImageSet.NUM_CLASSES; k++) {
                assertThat(after[c][k] > 0).as("client %d class %d kept", c, k).isEqualTo(before[c][k] > 0);
                if (n > cap) {
                    // Proportional share, give or take the 1-per-class floor and rounding.
                    double share = (double) cap * before[c][k] / n;
                    assertThat((double) after[c][k]).isBetween(Math.floor(share) - held, Math.ceil(share) + 1);
                } else {
                    assertThat(after[c][k]).isEqualTo(before[c][k]);
                }
            }
        }
    }

    @Test
    void capBelowTheClassCountKeepsTheLargestClasses() {
        ImageSet train = withCounts(50, 30, 20, 5, 0, 0, 0, 0, 0, 0);
        Partition one = new Partition(new int[][] {java.util.stream.IntStream.range(0, train.size()).toArray()});
        int[] h = one.capped(2, train, 9).histogram(train)[0];
        assertThat(h).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void stratifiedQuotaIsProportionalWithAtLeastOnePerHeldClass() {
        int[] q = Partition.stratifiedQuota(new int[] {90, 9, 1, 0, 0, 0, 0, 0, 0, 0}, 20);
        assertThat(q).containsExactly(17, 2, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Arrays.stream(q).sum()).isEqualTo(20);
    }

    @Test
    void capIsDeterministicPerSeed() {
        Partition full = new IidPartitioner().split(TRAIN, 5, 2);
        assertThat(full.capped(40, TRAIN, 2)).isEqualTo(full.capped(40, TRAIN, 2));
        assertThat(full.capped(40, TRAIN, 3)).isNotEqualTo(full.capped(40, TRAIN, 2));
    }

    @Test
    void cappedPartitionerDecoratorAppliesTheCap() {
        Partitioner p = new SegmentPartitioner(8).capped(25);
        Partition part = p.split(TRAIN, 10, 4);
        assertThat(part).isEqualTo(new SegmentPartitioner(8).split(TRAIN, 10, 4).capped(25, TRAIN, 4));
        for (int c = 0; c < 10; c++) {
            assertThat(part.sizeOf(c)).isEqualTo(25);
            assertThat(SyntheticImages.nonZero(part.histogram(TRAIN)[c])).isEqualTo(8);
        }
    }

    @Test
    void capBelowOneIsRejected() {
        assertThatThrownBy(() -> new IidPartitioner().capped(0)).hasMessageContaining("cap");
    }
}
