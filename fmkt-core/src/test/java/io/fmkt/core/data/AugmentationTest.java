package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static final int P = 32 * 32;
    private final Normalization norm = Normalization.CIFAR10;
    private final Augmentation aug = Augmentation.CIFAR_STANDARD;

    /** An image whose every byte is non-zero and tells its position, so padding and shifts show. */
    private static byte[] ramp() {
        byte[] img = new byte[ImageSet.IMAGE_BYTES];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img[c * P + y * 32 + x] = (byte) (1 + (c * 61 + y * 7 + x * 3) % 250);
                }
            }
        }
        return img;
    }

    private float src(byte[] img, int c, int y, int x) {
        return norm.apply(c, img[c * P + y * 32 + x]);
    }

    private float[] apply(byte[] img, Augmentation.Draw d) {
        float[] out = new float[ImageSet.IMAGE_BYTES];
        aug.apply(img, 0, norm, out, 0, d);
        return out;
    }

    @Test
    void centredUnflippedDrawIsPlainNormalisation() {
        byte[] img = ramp();
        float[] expected = new float[ImageSet.IMAGE_BYTES];
        norm.apply(img, 0, expected, 0);
        assertThat(apply(img, new Augmentation.Draw(4, 4, false))).containsExactly(expected);
    }

    @Test
    void flipMirrorsEachRow() {
        byte[] img = ramp();
        float[] out = apply(img, new Augmentation.Draw(4, 4, true));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertThat(out[c * P + y * 32 + x]).isEqualTo(src(img, c, y, 31 - x));
                }
            }
        }
        assertThat(out[0]).isNotEqualTo(src(img, 0, 0, 0));
    }

    @Test
    void cropAtTopLeftShiftsImageDownRightAndPadsWithNormalisedZero() {
        byte[] img = ramp();
        float[] out = apply(img, new Augmentation.Draw(0, 0, false));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float v = out[c * P + y * 32 + x];
                    if (y < 4 || x < 4) {
                        assertThat(v).as("padding at c=%d y=%d x=%d", c, y, x)
                                .isEqualTo(-norm.mean(c) / norm.std(c), org.assertj.core.api.Assertions.within(1e-6f));
                    } else {
                        assertThat(v).isEqualTo(src(img, c, y - 4, x - 4));
                    }
                }
            }
        }
    }

    @Test
    void cropAtBottomRightWithFlip() {
        byte[] img = ramp();
        float[] out = apply(img, new Augmentation.Draw(8, 8, true));
        // Unflipped crop: out(y, x) = img(y + 4, x + 4); flipped: out(y, x) = crop(y, 31 - x) = img(y + 4, 35 - x).
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                float v = out[P + y * 32 + x];
                boolean inside = y + 4 < 32 && 35 - x < 32;
                assertThat(v).isEqualTo(inside ? src(img, 1, y + 4, 35 - x) : norm.zero(1));
            }
        }
        assertThat(out[P + 0 * 32 + 0]).isEqualTo(norm.zero(1));   // x = 0 reads column 35: padding
        assertThat(out[P + 0 * 32 + 4]).isEqualTo(src(img, 1, 4, 31));
        assertThat(out[P + 31 * 32 + 10]).isEqualTo(norm.zero(1)); // row 35: padding
    }

    @Test
    void drawsCoverAllOffsetsAndFlipAboutHalfTheTime() {
        SplittableRandom rng = new SplittableRandom(7);
        Set<Integer> tops = new HashSet<>();
        Set<Integer> lefts = new HashSet<>();
        int flips = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            Augmentation.Draw d = aug.draw(rng);
            tops.add(d.top());
            lefts.add(d.left());
            flips += d.flip() ? 1 : 0;
        }
        assertThat(tops).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(lefts).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(flips).isBetween(n / 2 - 200, n / 2 + 200);
        assertThat(new Augmentation(4, false).draw(rng).flip()).isFalse();
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        byte[] img = ramp();
        float[] a = new float[ImageSet.IMAGE_BYTES * 8];
        float[] b = new float[a.length];
        float[] c = new float[a.length];
        SplittableRandom ra = new SplittableRandom(42);
        SplittableRandom rb = new SplittableRandom(42);
        SplittableRandom rc = new SplittableRandom(43);
        for (int i = 0; i < 8; i++) {
            aug.apply(img, 0, norm, a, i * ImageSet.IMAGE_BYTES, ra);
            aug.apply(img, 0, norm, b, i * ImageSet.IMAGE_BYTES, rb);
            aug.apply(img, 0, norm, c, i * ImageSet.IMAGE_BYTES, rc);
        }
        assertThat(a).containsExactly(b);
        assertThat(Arrays.equals(a, c)).isFalse();
    }
}
