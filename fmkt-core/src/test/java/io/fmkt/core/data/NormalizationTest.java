package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NormalizationTest {
    private final Normalization n = Normalization.CIFAR10;

    @Test
    void handPickedPixelsMatchTheFormula() {
        // (128/255 - 0.4914) / 0.2470 = 0.042758...
        assertThat(n.apply(0, 128)).isCloseTo(0.042758f, within(1e-5f));
        // (255/255 - 0.4822) / 0.2435 = 2.126488...
        assertThat(n.apply(1, 255)).isCloseTo(2.126488f, within(1e-5f));
        // (0 - 0.4465) / 0.2616 = -1.706804...
        assertThat(n.apply(2, 0)).isCloseTo(-1.706804f, within(1e-5f));
        assertThat(n.zero(2)).isEqualTo(n.apply(2, 0));
    }

    @Test
    void bytesAreReadAsUnsigned() {
        // (200/255 - 0.4914) / 0.2470 = 1.185885...; a signed read (-56) would fail or go negative.
        assertThat(n.apply(0, (byte) 200)).isEqualTo(n.apply(0, 200)).isCloseTo(1.185885f, within(1e-5f));
    }

    @Test
    void wholeImageKeepsPlanesAndUsesEachPlanesStatistics() {
        byte[] img = new byte[ImageSet.IMAGE_BYTES + 5];
        int plane = 32 * 32;
        img[5 + 0 * plane + 33] = (byte) 10;   // R at (1, 1)
        img[5 + 1 * plane + 33] = (byte) 20;   // G at (1, 1)
        img[5 + 2 * plane + 1023] = (byte) 250; // B at (31, 31)
        float[] out = new float[ImageSet.IMAGE_BYTES + 7];
        n.apply(img, 5, out, 7);
        assertThat(out[7 + 33]).isEqualTo(n.apply(0, 10));
        assertThat(out[7 + plane + 33]).isEqualTo(n.apply(1, 20));
        assertThat(out[7 + 2 * plane + 1023]).isEqualTo(n.apply(2, 250));
        assertThat(out[7]).isEqualTo(n.zero(0));
        assertThat(out[7 + plane]).isEqualTo(n.zero(1)).isNotEqualTo(n.zero(0));
        assertThat(out[6]).isZero(); // nothing written before the offset
    }
}
