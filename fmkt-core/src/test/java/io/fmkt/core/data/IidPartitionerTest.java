package io.fmkt.core.data;

import static io.fmkt.core.data.SyntheticImages.cycling;
import static io.fmkt.core.data.SyntheticImages.heldOnce;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IidPartitionerTest {
    private static final ImageSet TRAIN = cycling(1003);

    @Test
    void clientSizesDifferByAtMostOneAndCoverAllImages() {
        Partition p = new IidPartitioner().split(TRAIN, 10, 1);
        for (int c = 0; c < 10; c++) {
            assertThat(p.sizeOf(c)).isBetween(100, 101);
        }
        assertThat(heldOnce(p, TRAIN).cardinality()).isEqualTo(TRAIN.size());
    }

    @Test
    void clientsGetAMixOfClassesNotAContiguousBlock() {
        // Without a shuffle, 100 consecutive cycling labels would give exactly 10 per class; a real
        // shuffle gives every class but with uneven counts on at least one client.
        int[][] h = new IidPartitioner().split(TRAIN, 10, 1).histogram(TRAIN);
        boolean anyUneven = false;
        for (int[] row : h) {
            assertThat(SyntheticImages.nonZero(row)).isEqualTo(10);
            for (int x : row) {
                anyUneven |= x != 10;
            }
        }
        assertThat(anyUneven).isTrue();
    }

    @Test
    void sameSeedGivesSamePartitionAndAnotherSeedADifferentOne() {
        IidPartitioner iid = new IidPartitioner();
        assertThat(iid.split(TRAIN, 10, 5)).isEqualTo(iid.split(TRAIN, 10, 5));
        assertThat(iid.split(TRAIN, 10, 6)).isNotEqualTo(iid.split(TRAIN, 10, 5));
    }
}
