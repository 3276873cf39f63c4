package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BatchAssemblerTest {
    private final ImageSet set = SyntheticCifar.generate(3, 4, 0).train(); // 20 images

    @Test
    void withoutAugmentationItIsNormalisedImagesInIndexOrderNchw() {
        int[] idx = {7, 2, 7, 19};
        Batch b = BatchAssembler.assemble(set, idx, null, null);
        assertThat(b.n()).isEqualTo(4);
        assertThat(b.shape()).containsExactly(4, 3, 32, 32);
        assertThat(b.labels()).containsExactly(set.label(7), set.label(2), set.label(7), set.label(19));
        for (int k = 0; k < idx.length; k++) {
            for (int j = 0; j < ImageSet.IMAGE_BYTES; j += 97) {
                int c = j / 1024;
                float expected = Normalization.CIFAR10.apply(c, set.pixels()[idx[k] * ImageSet.IMAGE_BYTES + j]);
                assertThat(b.images()[k * ImageSet.IMAGE_BYTES + j]).isEqualTo(expected);
            }
        }
        float[] first = Arrays.copyOfRange(b.images(), 0, ImageSet.IMAGE_BYTES);
        float[] third = Arrays.copyOfRange(b.images(), 2 * ImageSet.IMAGE_BYTES, 3 * ImageSet.IMAGE_BYTES);
        assertThat(first).containsExactly(third);
    }

    @Test
    void augmentedBatchIsDeterministicInTheRngState() {
        int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
        Batch a = BatchAssembler.assemble(set, idx, Augmentation.CIFAR_STANDARD, new SplittableRandom(11));
        Batch b = BatchAssembler.assemble(set, idx, Augmentation.CIFAR_STANDARD, new SplittableRandom(11));
        assertThat(a.images()).containsExactly(b.images());
        assertThat(a.labels()).containsExactly(b.labels());

        SplittableRandom shared = new SplittableRandom(11);
        Batch first = BatchAssembler.assemble(set, idx, Augmentation.CIFAR_STANDARD, shared);
        Batch second = BatchAssembler.assemble(set, idx, Augmentation.CIFAR_STANDARD, shared);
        assertThat(first.images()).containsExactly(a.images());
        assertThat(Arrays.equals(first.images(), second.images())).as("the stream advances").isFalse();

        Batch plain = BatchAssembler.assemble(set, idx, null, null);
        assertThat(Arrays.equals(a.images(), plain.images())).isFalse();
    }

    @Test
    void augmentationUsesTheSameDrawsAsAugmentationItself() {
        int[] idx = {5, 9};
        Batch b = BatchAssembler.assemble(set, idx, Augmentation.CIFAR_STANDARD, new SplittableRandom(99));
        SplittableRandom rng = new SplittableRandom(99);
        float[] expected = new float[2 * ImageSet.IMAGE_BYTES];
        for (int k = 0; k < 2; k++) {
            Augmentation.Draw d = Augmentation.CIFAR_STANDARD.draw(rng);
            Augmentation.CIFAR_STANDARD.apply(set.pixels(), idx[k] * ImageSet.IMAGE_BYTES, Normalization.CIFAR10,
                    expected, k * ImageSet.IMAGE_BYTES, d);
        }
        assertThat(b.images()).containsExactly(expected);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> BatchAssembler.assemble(set, new int[] {20}, null, null))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 20");
        assertThatThrownBy(() -> BatchAssembler.assemble(set, new int[] {0}, Augmentation.CIFAR_STANDARD, null))
                .isInstanceOf(NullPointerException.class);
        assertThat(BatchAssembler.assemble(set, new int[0], null, null).n()).isZero();
    }
}
