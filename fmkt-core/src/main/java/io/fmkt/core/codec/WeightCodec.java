package io.fmkt.core.codec;

import io.fmkt.core.model.CifarResNet18;
import io.fmkt.core.model.ResNetModel;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Model parameters to bytes and back. Layout (little-endian):
 * <pre>
 * "FMKTW"  format version (u8)  architecture (u16 length + UTF-8)  width (i32)  classes (i32)
 * tensor count (i32)  value count (i64)  sha256 of the body (32 bytes)
 * body: per tensor: name (u16 length + UTF-8), value count (i32), float32 values
 * </pre>
 * BatchNorm running statistics are included: a model is its full state.
 */
public final class WeightCodec {
    static final byte[] MAGIC = "FMKTW".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;

    private WeightCodec() {
    }

    /** The header fields, readable without decoding the body. */
    public record Header(int formatVersion, String architecture, int width, int classes, int tensors, long values,
            byte[] sha256) {
    }

    public static byte[] encode(ResNetModel model) {
        float[][] values = model.values();
        List<String> names = model.parameterNames();
        byte[][] nameBytes = new byte[names.size()][];
        long total = 0;
        int bodyLength = 0;
        for (int i = 0; i < values.length; i++) {
            nameBytes[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
            bodyLength += 2 + nameBytes[i].length + 4 + 4 * values[i].length;
            total += values[i].length;
        }
        byte[] arch = CifarResNet18.ARCHITECTURE.getBytes(StandardCharsets.UTF_8);
        int headerLength = MAGIC.length + 1 + 2 + arch.length + 4 + 4 + 4 + 8 + 32;
        ByteBuffer buf = ByteBuffer.allocate(headerLength + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) FORMAT_VERSION).putShort((short) arch.length).put(arch)
                .putInt(model.width()).putInt(model.classes()).putInt(values.length).putLong(total);
        int digestAt = buf.position();
        buf.position(headerLength);
        for (int i = 0; i < values.length; i++) {
            buf.putShort((short) nameBytes[i].length).put(nameBytes[i]).putInt(values[i].length);
            buf.asFloatBuffer().put(values[i]);
            buf.position(buf.position() + 4 * values[i].length);
        }
        byte[] out = buf.array();
        System.arraycopy(Digests.sha256(out, headerLength, bodyLength), 0, out, digestAt, 32);
        return out;
    }

    public static Header header(byte[] bytes) {
        return readHeader(wrap(bytes));
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Header readHeader(ByteBuffer buf) {
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CodecException("not fmkt model weights: bad magic bytes");
            }
            int version = buf.get();
            if (version != FORMAT_VERSION) {
                throw new CodecException("unsupported weight format version " + version + " (this build reads "
                        + FORMAT_VERSION + ")");
            }
            String arch = readString(buf);
            int width = buf.getInt();
            int classes = buf.getInt();
            int tensors = buf.getInt();
            long values = buf.getLong();
            byte[] sha = new byte[32];
            buf.get(sha);
            return new Header(version, arch, width, classes, tensors, values, sha);
        } catch (BufferUnderflowException e) {
            throw new CodecException("model weights truncated inside the header (" + buf.limit() + " bytes)");
        }
    }

    /**
     * Verifies the bytes and loads them into {@code model}, which must have the same architecture,
     * width and classes. Nothing is written to the model unless every check passes.
     */
    public static void decodeInto(byte[] bytes, ResNetModel model) {
        ByteBuffer buf = wrap(bytes);
        Header h = readHeader(buf);
        if (!h.architecture().equals(CifarResNet18.ARCHITECTURE) || h.width() != model.width()
                || h.classes() != model.classes()) {
            throw new CodecException("architecture mismatch: weights are " + h.architecture() + " width " + h.width()
                    + " classes " + h.classes() + ", model is " + CifarResNet18.ARCHITECTURE + " width "
                    + model.width() + " classes " + model.classes());
        }
        int bodyStart = buf.position();
        byte[] actual = Digests.sha256(bytes, bodyStart, bytes.length - bodyStart);
        if (!Arrays.equals(actual, h.sha256())) {
            throw new CodecException("model weights corrupted: body sha256 " + java.util.HexFormat.of().formatHex(actual)
                    + " does not match the header's " + java.util.HexFormat.of().formatHex(h.sha256()));
        }
        List<String> names = model.parameterNames();
        if (h.tensors() != names.size()) {
            throw new CodecException("weights hold " + h.tensors() + " tensors, the model has " + names.size());
        }
        List<float[]> values = new ArrayList<>(names.size());
        try {
            for (int i = 0; i < names.size(); i++) {
                String name = readString(buf);
                if (!name.equals(names.get(i))) {
                    throw new CodecException("tensor " + i + " is '" + name + "', the model expects '" + names.get(i) + "'");
                }
                float[] v = new float[buf.getInt()];
                buf.asFloatBuffer().get(v);
                buf.position(buf.position() + 4 * v.length);
                values.add(v);
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            if (e instanceof CodecException ce) {
                throw ce;
            }
            throw new CodecException("model weights truncated in the body");
        }
        if (buf.hasRemaining()) {
            throw new CodecException("model weights have " + buf.remaining() + " trailing bytes");
        }
        model.setValues(values.toArray(new float[0][]));
    }

    private static String readString(ByteBuffer buf) {
        int len = Short.toUnsignedInt(buf.getShort());
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
