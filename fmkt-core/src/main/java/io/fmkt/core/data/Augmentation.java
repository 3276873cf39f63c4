package io.fmkt.core.data;

import java.util.SplittableRandom;

/**
 * The standard CIFAR training augmentation, as torchvision's
 * {@code RandomCrop(32, padding=4)} then {@code RandomHorizontalFlip(0.5)} then {@code Normalize}:
 * the raw image is zero-padded (so padded pixels end up as {@code -mean/std} after normalisation),
 * a 32x32 window is cut at a uniformly random offset, and the result is mirrored with probability
 * 1/2.
 *
 * <p>All randomness comes from the {@link SplittableRandom} the caller passes, drawn in a fixed
 * order (top, left, flip) per image, so a batch is reproducible from the stream's state alone.
 */
public final class Augmentation {
    /** Pad 4, random flip: what every CIFAR ResNet/VGG recipe uses. */
    public static final Augmentation CIFAR_STANDARD = new Augmentation(4, true);

    private static final int H = ImageSet.HEIGHT;
    private static final int W = ImageSet.WIDTH;
    private static final int PLANE = H * W;

    private final int padding;
    private final boolean horizontalFlip;

    public Augmentation(int padding, boolean horizontalFlip) {
        if (padding < 0 || padding > Math.min(H, W)) {
            throw new IllegalArgumentException("Augmentation: padding must be in 0.." + Math.min(H, W) + ", got " + padding);
        }
        this.padding = padding;
        this.horizontalFlip = horizontalFlip;
    }

    public int padding() {
        return padding;
    }

    public boolean horizontalFlip() {
        return horizontalFlip;
    }

    /**
     * One image's random choices. {@code top}/{@code left} index the crop window in the padded
     * image, in {@code 0..2*padding}; {@code top == left == padding} and no flip is the identity.
     */
    public record Draw(int top, int left, boolean flip) {
    }

    /** Draws one image's choices; consumes exactly two ints and (if flipping is on) one boolean. */
    public Draw draw(SplittableRandom rng) {
        int top = rng.nextInt(2 * padding + 1);
        int left = rng.nextInt(2 * padding + 1);
        boolean flip = horizontalFlip && rng.nextBoolean();
        return new Draw(top, left, flip);
    }

    /** Augments and normalises one image with freshly drawn choices (see {@link #apply(byte[], int, Normalization, float[], int, Draw)}). */
    public void apply(byte[] src, int srcOffset, Normalization norm, float[] dst, int dstOffset, SplittableRandom rng) {
        apply(src, srcOffset, norm, dst, dstOffset, draw(rng));
    }

    /**
     * Writes the augmented, normalised image to {@code dst[dstOffset..]} (CHW, 3072 floats):
     * {@code out[c][y][x] = padded[c][y + top][x' + left]} with {@code x' = flip ? W-1-x : x},
     * where {@code padded} is the raw image surrounded by {@code padding} zero bytes.
     */
    public void apply(byte[] src, int srcOffset, Normalization norm, float[] dst, int dstOffset, Draw d) {
        int dy = d.top() - padding;   // source row = y + dy
        int dx = d.left() - padding;  // source col = x' + dx
        // The output columns whose source column lies inside the image; the rest are padding.
        // Unflipped: x + dx in [0, W)  ->  x in [max(0,-dx), min(W, W-dx)).
        // Flipped:   W-1-x + dx in [0, W)  ->  x in [max(0, dx), min(W, W+dx)).
        int xLo = d.flip() ? Math.max(0, dx) : Math.max(0, -dx);
        int xHi = d.flip() ? Math.min(W, W + dx) : Math.min(W, W - dx);
        for (int c = 0; c < ImageSet.CHANNELS; c++) {
            float pad = norm.zero(c);
            int srcPlane = srcOffset + c * PLANE;
            int dstPlane = dstOffset + c * PLANE;
            for (int y = 0; y < H; y++) {
                int out = dstPlane + y * W;
                int sy = y + dy;
                if (sy < 0 || sy >= H) {
                    java.util.Arrays.fill(dst, out, out + W, pad);
                    continue;
                }
                int row = srcPlane + sy * W;
                for (int x = 0; x < xLo; x++) {
                    dst[out + x] = pad;
                }
                if (d.flip()) {
                    for (int x = xLo; x < xHi; x++) {
                        dst[out + x] = norm.apply(c, src[row + (W - 1 - x) + dx]);
                    }
                } else {
                    for (int x = xLo; x < xHi; x++) {
                        dst[out + x] = norm.apply(c, src[row + x + dx]);
                    }
                }
                for (int x = Math.max(xHi, xLo); x < W; x++) {
                    dst[out + x] = pad;
                }
            }
        }
    }
}
