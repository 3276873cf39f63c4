package io.fmkt.core.data;

/**
 * Per-channel standardisation {@code (byte/255 - mean[c]) / std[c]}, the same as torchvision's
 * {@code ToTensor()} followed by {@code Normalize(mean, std)}.
 *
 * <p>A byte has only 256 values, so each channel's 256 results are precomputed once: converting a
 * batch is then one table lookup per pixel, with no arithmetic and no allocation.
 */
public final class Normalization {
    /** The CIFAR-10 training-set statistics used throughout the CIFAR literature. */
    public static final Normalization CIFAR10 = new Normalization(
            new float[] {0.4914f, 0.4822f, 0.4465f},
            new float[] {0.2470f, 0.2435f, 0.2616f});

    private final float[] mean;
    private final float[] std;
    /** {@code table[c * 256 + b]} is the normalised value of byte {@code b} in channel {@code c}. */
    private final float[] table;

    public Normalization(float[] mean, float[] std) {
        if (mean.length != ImageSet.CHANNELS || std.length != ImageSet.CHANNELS) {
            throw new IllegalArgumentException("Normalization needs " + ImageSet.CHANNELS
                    + " means and stds, got " + mean.length + " and " + std.length);
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.table = new float[ImageSet.CHANNELS * 256];
        for (int c = 0; c < ImageSet.CHANNELS; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("Normalization: std of channel " + c + " must be > 0, got " + std[c]);
            }
            for (int b = 0; b < 256; b++) {
                // float32 arithmetic in torchvision's order, so values match it to the last bit or so.
                table[c * 256 + b] = ((b / 255f) - mean[c]) / std[c];
            }
        }
    }

    public float mean(int channel) {
        return mean[channel];
    }

    public float std(int channel) {
        return std[channel];
    }

    /** The normalised value of a raw pixel byte (0..255) in the given channel. */
    public float apply(int channel, int value) {
        return table[channel * 256 + value];
    }

    /** The normalised value of a raw pixel byte, read as unsigned. */
    public float apply(int channel, byte value) {
        return table[channel * 256 + (value & 0xFF)];
    }

    /**
     * What a zero-padded pixel becomes: torchvision pads the raw image with 0 and normalises
     * afterwards, so padding is {@code -mean/std}, not 0.
     */
    public float zero(int channel) {
        return table[channel * 256];
    }

    /**
     * Normalises one whole image: {@link ImageSet#IMAGE_BYTES} bytes (R, G, B planes) from
     * {@code src[srcOffset..]} into as many floats at {@code dst[dstOffset..]}, keeping the CHW layout.
     */
    public void apply(byte[] src, int srcOffset, float[] dst, int dstOffset) {
        int plane = ImageSet.HEIGHT * ImageSet.WIDTH;
        for (int c = 0; c < ImageSet.CHANNELS; c++) {
            int base = c * 256;
            int s = srcOffset + c * plane;
            int d = dstOffset + c * plane;
            for (int k = 0; k < plane; k++) {
                dst[d + k] = table[base + (src[s + k] & 0xFF)];
            }
        }
    }
}
