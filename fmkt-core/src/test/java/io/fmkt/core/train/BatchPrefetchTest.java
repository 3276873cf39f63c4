package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.data.Augmentation;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.SyntheticCifar;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batches assembled ahead on another thread are the loop's own batches, and the loop's stream ends where it would. */
class BatchPrefetchTest {
    private static final ImageSet DATA = SyntheticCifar.generate(4, 30, 10).train();

    @Test
    void theBatchesAreTheOnesTheLoopWouldAssembleAndTheStreamEndsInTheSameState() {
        SplittableRandom inLoop = new SplittableRandom(11);
        SplittableRandom ahead = new SplittableRandom(11);
        List<int[]> epoch = BatchStream.epoch(DATA.size(), 32, inLoop);
        assertThat(Arrays.deepEquals(BatchStream.epoch(DATA.size(), 32, ahead).toArray(), epoch.toArray())).isTrue();
        try (BatchPrefetch batches = BatchStream.prefetch(DATA, epoch, true, ahead)) {
            for (int[] idx : epoch) {
                Batch want = BatchAssembler.assemble(DATA, idx, Augmentation.CIFAR_STANDARD, inLoop);
                Batch got = batches.next();
                assertThat(got.labels()).containsExactly(want.labels());
                assertThat(Arrays.equals(got.images(), want.images())).isTrue();
            }
            assertThatThrownBy(batches::next).hasMessageContaining("all " + epoch.size() + " batches taken");
        }
        assertThat(ahead.nextLong()).isEqualTo(inLoop.nextLong());
    }

    @Test
    void closingEarlyStopsTheProducerBeforeItReturns() {
        List<int[]> epoch = BatchStream.epoch(DATA.size(), 2, new SplittableRandom(1));
        try (BatchPrefetch batches = BatchStream.prefetch(DATA, epoch, true, new SplittableRandom(2))) {
            batches.next();
        }
        assertThat(Thread.getAllStackTraces().entrySet()).noneSatisfy(e -> {
            assertThat(e.getKey().getName()).isEqualTo("fmkt-batches");
            assertThat(Arrays.toString(e.getValue())).contains("BatchAssembler");
        });
    }

    @Test
    void aBatchThatCannotBeAssembledFailsOnTheLoopsThreadAfterTheOnesBeforeIt() {
        List<int[]> epoch = List.of(new int[] {0, 1}, new int[] {2, 3}, new int[] {4, DATA.size()});
        try (BatchPrefetch batches = BatchStream.prefetch(DATA, epoch, false, null)) {
            assertThat(batches.next().n()).isEqualTo(2);
            assertThat(batches.next().n()).isEqualTo(2);
            assertThatThrownBy(batches::next).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("index " + DATA.size());
        }
    }
}
