package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.train.ExperimentData;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShardsTest {
    private static final ImageSet TRAIN = SyntheticCifar.generate(3, 40, 0).train(); // 200 images
    private static final Partition SPLIT = new IidPartitioner().split(TRAIN, 10, 5); // 20 images each
    private static final long SHARD_BYTES = 20L * (ImageSet.IMAGE_BYTES + 1);

    @Test
    void aShardIsItsClientsImagesInPartitionOrder() {
        Shards shards = new Shards(TRAIN, SPLIT, Long.MAX_VALUE);
        assertThat(shards.clients()).isEqualTo(10);
        for (int c = 0; c < 10; c++) {
            ImageSet expected = TRAIN.select(SPLIT.indicesOf(c));
            assertThat(shards.of(c).labels()).isEqualTo(expected.labels());
            assertThat(shards.of(c).pixels()).isEqualTo(expected.pixels());
        }
        assertThat(shards.formatHistogram()).isEqualTo(SPLIT.formatHistogram(TRAIN));
    }

    @Test
    void holdsOnlyTheRecentShardsThatFitTheBudget() {
        Counting train = new Counting(TRAIN);
        Shards shards = new Shards(train, SPLIT, 3 * SHARD_BYTES);
        assertThat(shards.heldBytes()).isZero();
        for (int c = 0; c < 10; c++) {
            shards.of(c);
            assertThat(shards.heldBytes()).isLessThanOrEqualTo(3 * SHARD_BYTES);
        }
        assertThat(shards.heldBytes()).isEqualTo(3 * SHARD_BYTES);
        assertThat(train.selects.get()).isEqualTo(10);
        ImageSet nine = shards.of(9);          // the most recent: still held
        shards.of(8);
        assertThat(train.selects.get()).isEqualTo(10);
        assertThat(shards.of(9)).isSameAs(nine);
        ImageSet zero = shards.of(0);          // dropped long ago: taken again, the same images
        assertThat(train.selects.get()).isEqualTo(11);
        assertThat(zero.pixels()).isEqualTo(TRAIN.select(SPLIT.indicesOf(0)).pixels());
    }

    @Test
    void aShardLargerThanTheBudgetIsStillGivenAndHeldAlone() {
        Shards shards = new Shards(TRAIN, SPLIT, SHARD_BYTES / 2);
        assertThat(shards.of(1).size()).isEqualTo(20);
        assertThat(shards.of(2).size()).isEqualTo(20);
        assertThat(shards.heldBytes()).isEqualTo(SHARD_BYTES);
        assertThatThrownBy(() -> new Shards(TRAIN, SPLIT, -1)).hasMessageContaining("budget");
    }

    @Test
    void aRunsDataDrawsNoTrainingPixelsUntilAShardIsUsed() throws Exception {
        // 512 clients x 100 synthetic images: the shards a process uses, not N, decide its memory.
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(512).syntheticTrainPerBatch(10_240)
                .syntheticTest(20).partition("iid").build();
        ExperimentData data = ExperimentData.load(c);
        assertThat(data.shards().heldBytes()).isZero();
        ImageSet one = data.shards().of(300);
        assertThat(one.size()).isEqualTo(100);
        assertThat(data.shards().heldBytes()).isEqualTo(100L * (ImageSet.IMAGE_BYTES + 1));
        assertThat(one.pixels()).isEqualTo(SyntheticCifar.generate(c.schedule().seed(), 10_240, 0).train()
                .select(data.partition().indicesOf(300)).pixels());
    }

    /** Training images that count how often pixels are taken. */
    private record Counting(ImageSet inner, AtomicInteger selects) implements TrainingImages {
        Counting(ImageSet inner) {
            this(inner, new AtomicInteger());
        }

        @Override
        public byte[] labels() {
            return inner.labels();
        }

        @Override
        public ImageSet select(int[] indices) {
            selects.incrementAndGet();
            return inner.select(indices);
        }
    }
}
