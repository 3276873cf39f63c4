package io.fmkt.core.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes a {@link CifarData} in the official CIFAR-10 binary layout, as a directory or as a
 * {@code .tar.gz} like the official download, so synthetic or subsetted data goes through exactly
 * the code path ({@link CifarReader}) that real data does.
 *
 * <p>The training images are cut into the five {@code data_batch_*.bin} files as evenly as
 * possible (the first batches take the remainder). Archives are byte-reproducible: fixed
 * timestamps and owners, so the same data always gives the same file and the same digest.
 */
public final class CifarWriter {
    /** The official class names, in label order, as in {@code batches.meta.txt}. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private CifarWriter() {
    }

    /**
     * Writes {@code root/cifar-10-batches-bin/} with the six batch files and {@code batches.meta.txt};
     * returns that folder. Existing files there are replaced.
     */
    public static Path writeDirectory(CifarData data, Path root) throws IOException {
        Path folder = root.resolve(CifarReader.FOLDER);
        Files.createDirectories(folder);
        for (int b = 0; b < CifarReader.TRAIN_FILES.size(); b++) {
            Files.write(folder.resolve(CifarReader.TRAIN_FILES.get(b)), trainBatchBytes(data.train(), b));
        }
        Files.write(folder.resolve(CifarReader.TEST_FILE), records(data.test(), 0, data.test().size()));
        Files.write(folder.resolve(CifarReader.META_FILE), metaBytes());
        return folder;
    }

    /** Writes the layout as a gzip-compressed tar, via a temp file so no half-written archive is left. */
    public static void writeTarGz(CifarData data, Path archive) throws IOException {
        Path parent = archive.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, archive.getFileName().toString(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writeTarGz(data, out);
            }
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the layout as a gzip-compressed tar to {@code out} (which is finished but not closed). */
    public static void writeTarGz(CifarData data, OutputStream out) throws IOException {
        GzipParameters gz = new GzipParameters();
        gz.setModificationTime(0);
        gz.setOperatingSystem(255); // "unknown": the archive must not depend on the machine
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(new NonClosing(out), gz);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            TarArchiveEntry dir = entry(CifarReader.FOLDER + "/", 0);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            putFile(tar, CifarReader.META_FILE, metaBytes());
            for (int b = 0; b < CifarReader.TRAIN_FILES.size(); b++) {
                putFile(tar, CifarReader.TRAIN_FILES.get(b), trainBatchBytes(data.train(), b));
            }
            putFile(tar, CifarReader.TEST_FILE, records(data.test(), 0, data.test().size()));
        }
        out.flush();
    }

    /** Records {@code from..to-1} of {@code set} in the binary format: label byte, then 3072 pixel bytes each. */
    public static byte[] records(ImageSet set, int from, int to) {
        byte[] out = new byte[Math.multiplyExact(to - from, CifarReader.RECORD_BYTES)];
        for (int i = from, off = 0; i < to; i++, off += CifarReader.RECORD_BYTES) {
            out[off] = set.labels()[i];
            System.arraycopy(set.pixels(), i * ImageSet.IMAGE_BYTES, out, off + 1, ImageSet.IMAGE_BYTES);
        }
        return out;
    }

    private static byte[] trainBatchBytes(ImageSet train, int batch) {
        int batches = CifarReader.TRAIN_FILES.size();
        int base = train.size() / batches;
        int extra = train.size() % batches;
        int from = batch * base + Math.min(batch, extra);
        int to = from + base + (batch < extra ? 1 : 0);
        return records(train, from, to);
    }

    private static byte[] metaBytes() {
        return (String.join("\n", CLASS_NAMES) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void putFile(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        tar.putArchiveEntry(entry(CifarReader.FOLDER + "/" + name, bytes.length));
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(name.endsWith("/") ? 040755 : 0100644);
        e.setModTime(0L);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    /** Lets the tar/gzip streams be closed (to write their trailers) without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
