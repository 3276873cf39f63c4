package io.fmkt.core.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A feature snapshot to bytes and back. Layout (little-endian): "FMKTF", format version (u8),
 * map count (i32), sha256 of the body (32 bytes); body per map: rank (i32), dims (i64 each),
 * float32 values.
 */
public final class FeatureSnapshotCodec {
    static final byte[] MAGIC = "FMKTF".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;
    private static final int HEADER = 5 + 1 + 4 + 32;
    /** Bounds what a corrupted rank or dimension can make a reader allocate. */
    private static final int MAX_RANK = 8;

    private FeatureSnapshotCodec() {
    }

    public static byte[] encode(FeatureSnapshot s) {
        int body = 0;
        for (int i = 0; i < s.stages(); i++) {
            body += 4 + 8 * s.shapes()[i].length + 4 * s.maps()[i].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER + body).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) FORMAT_VERSION).putInt(s.stages());
        buf.position(HEADER);
        for (int i = 0; i < s.stages(); i++) {
            buf.putInt(s.shapes()[i].length);
            for (long d : s.shapes()[i]) {
                buf.putLong(d);
            }
            buf.asFloatBuffer().put(s.maps()[i]);
            buf.position(buf.position() + 4 * s.maps()[i].length);
        }
        byte[] out = buf.array();
        System.arraycopy(Digests.sha256(out, HEADER, body), 0, out, HEADER - 32, 32);
        return out;
    }

    public static FeatureSnapshot decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CodecException("not an fmkt feature snapshot: bad magic bytes");
            }
            int version = buf.get();
            if (version != FORMAT_VERSION) {
                throw new CodecException("unsupported feature snapshot format version " + version);
            }
            int count = buf.getInt();
            byte[] sha = new byte[32];
            buf.get(sha);
            byte[] actual = Digests.sha256(bytes, HEADER, bytes.length - HEADER);
            if (!Arrays.equals(sha, actual)) {
                throw new CodecException("feature snapshot corrupted: body sha256 " + HexFormat.of().formatHex(actual)
                        + " does not match the header's " + HexFormat.of().formatHex(sha));
            }
            if (count < 0 || count > 16) {
                throw new CodecException("feature snapshot claims " + count + " maps");
            }
            long[][] shapes = new long[count][];
            float[][] maps = new float[count][];
            for (int i = 0; i < count; i++) {
                int rank = buf.getInt();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new CodecException("feature map " + (i + 1) + " has rank " + rank);
                }
                shapes[i] = new long[rank];
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    shapes[i][d] = buf.getLong();
                    size *= shapes[i][d];
                }
                if (size < 0 || 4 * size > buf.remaining()) {
                    throw new CodecException("feature map " + (i + 1) + " of shape " + Arrays.toString(shapes[i])
                            + " needs more bytes than remain (" + buf.remaining() + ")");
                }
                maps[i] = new float[(int) size];
                buf.asFloatBuffer().get(maps[i]);
                buf.position(buf.position() + 4 * maps[i].length);
            }
            if (buf.hasRemaining()) {
                throw new CodecException("feature snapshot has " + buf.remaining() + " trailing bytes");
            }
            return new FeatureSnapshot(shapes, maps);
        } catch (BufferUnderflowException e) {
            throw new CodecException("feature snapshot truncated (" + bytes.length + " bytes)");
        }
    }
}
