package io.fmkt.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads CIFAR-10 in the official binary layout: {@code cifar-10-batches-bin/data_batch_1..5.bin}
 * (training, concatenated in that order) and {@code test_batch.bin}, each a sequence of records of
 * 1 label byte followed by 3072 pixel bytes (R, G, B planes, 32x32 row-major).
 *
 * <p>Reads either an extracted directory or the downloaded {@code .tar.gz} itself, streamed, so
 * the archive never needs unpacking on disk. Every check names the file at fault, because the
 * usual failure is a half-finished download or copy and the user must know which file to replace.
 */
public final class CifarReader {
    public static final String FOLDER = "cifar-10-batches-bin";
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String META_FILE = "batches.meta.txt";
    public static final int RECORD_BYTES = 1 + ImageSet.IMAGE_BYTES;
    /** Cap meaning "read every record". */
    public static final int ALL = Integer.MAX_VALUE;

    private static final int IO_BUFFER = 1 << 20;

    private CifarReader() {
    }

    /** Reads all records from a directory (see {@link #readDirectory}) or a {@code .tar.gz} archive. */
    public static CifarData read(Path path) throws IOException {
        return read(path, ALL, ALL);
    }

    /**
     * Reads at most {@code maxTrain} training records (the first ones, in batch order) and at most
     * {@code maxTest} test records. {@code path} is a directory or a gzip-compressed tar archive
     * (recognised by its gzip magic bytes, whatever its name).
     */
    public static CifarData read(Path path, int maxTrain, int maxTest) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "CIFAR-10 data path does not exist (expected a directory or a cifar-10-binary.tar.gz)");
        }
        if (Files.isDirectory(path)) {
            return readDirectory(path, maxTrain, maxTest);
        }
        if (isGzip(path)) {
            return readTarGz(path, maxTrain, maxTest);
        }
        throw new CifarFormatException("CIFAR-10 data path " + path
                + " is neither a directory nor a gzip-compressed tar archive");
    }

    /**
     * Reads a directory that contains {@code cifar-10-batches-bin/} or is that folder itself.
     * Only the batches needed to satisfy the caps are read, but all six must be present.
     */
    public static CifarData readDirectory(Path dir, int maxTrain, int maxTest) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "CIFAR-10 directory does not exist");
        }
        Path batches = Files.isDirectory(dir.resolve(FOLDER)) ? dir.resolve(FOLDER) : dir;
        List<String> missing = new ArrayList<>();
        for (String name : allFiles()) {
            if (!Files.isRegularFile(batches.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CifarFormatException("CIFAR-10 directory " + batches + " is missing " + String.join(", ", missing)
                    + (batches.equals(dir) ? " (and has no " + FOLDER + "/ subfolder)" : ""));
        }
        Map<String, Loaded> raw = new HashMap<>();
        int remaining = maxTrain;
        for (String name : TRAIN_FILES) {
            if (remaining <= 0) {
                break;
            }
            Loaded loaded = readFile(batches.resolve(name));
            raw.put(name, loaded);
            remaining -= loaded.bytes().length / RECORD_BYTES;
        }
        if (maxTest > 0) {
            raw.put(TEST_FILE, readFile(batches.resolve(TEST_FILE)));
        }
        return assemble(raw, maxTrain, maxTest);
    }

    /** Reads the official {@code cifar-10-binary.tar.gz} (or any tar.gz holding the six batch files). */
    public static CifarData readTarGz(Path archive, int maxTrain, int maxTest) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), IO_BUFFER)) {
            return readTarGz(in, archive.toString(), maxTrain, maxTest);
        }
    }

    /**
     * Reads a gzip-compressed tar stream, matching entries by file name (any folder prefix, so
     * {@code ./cifar-10-batches-bin/...} works too). {@code source} only names the stream in errors.
     */
    public static CifarData readTarGz(InputStream in, String source, int maxTrain, int maxTest) throws IOException {
        Map<String, Loaded> raw = new HashMap<>();
        List<String> wanted = allFiles();
        // Archive entries may come in any order, so under a cap each train batch keeps at most
        // maxTrain records (a bound, not the exact need); the rest is decompressed but not stored.
        long trainKeep = (long) Math.max(0, maxTrain) * RECORD_BYTES;
        long testKeep = (long) Math.max(0, maxTest) * RECORD_BYTES;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = baseName(entry.getName());
                if (!entry.isFile() || !wanted.contains(name)) {
                    continue;
                }
                String where = source + "!" + entry.getName();
                if (raw.containsKey(name)) {
                    throw new CifarFormatException("CIFAR-10 archive " + source + " holds " + name
                            + " twice (" + raw.get(name).where() + " and " + where + ")");
                }
                long size = entry.getSize();
                checkLength(where, size);
                int keep = (int) Math.min(size, name.equals(TEST_FILE) ? testKeep : trainKeep);
                byte[] bytes = tar.readNBytes(keep);
                long got = bytes.length + tar.transferTo(OutputStream.nullOutputStream()); // the rest of this entry
                if (got != size) {
                    throw new CifarFormatException("CIFAR-10 archive " + source + " is truncated: entry " + entry.getName()
                            + " declares " + size + " bytes but only " + got + " could be read");
                }
                raw.put(name, new Loaded(where, bytes));
            }
        } catch (CifarFormatException e) {
            throw e;
        } catch (IOException e) {
            // commons-compress says "Truncated TAR archive" or "Unexpected end of stream": add the file.
            throw new CifarFormatException("CIFAR-10 archive " + source + " could not be read (truncated or not a tar.gz?): "
                    + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (String name : wanted) {
            if (!raw.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CifarFormatException("CIFAR-10 archive " + source + " is missing " + String.join(", ", missing));
        }
        return assemble(raw, maxTrain, maxTest);
    }

    /** One batch file's bytes and where they came from, for error messages. */
    private record Loaded(String where, byte[] bytes) {
    }

    /**
     * Splits the raw batches into one training and one test {@link ImageSet}, checking lengths and
     * labels; each raw batch is released as soon as it is copied, to keep the peak memory down.
     */
    private static CifarData assemble(Map<String, Loaded> raw, int maxTrain, int maxTest)
            throws CifarFormatException {
        ImageSet train = concat(raw, TRAIN_FILES, maxTrain);
        ImageSet test = concat(raw, List.of(TEST_FILE), maxTest);
        return new CifarData(train, test);
    }

    private static ImageSet concat(Map<String, Loaded> raw, List<String> files, int max)
            throws CifarFormatException {
        long available = 0;
        for (String name : files) {
            Loaded loaded = raw.get(name);
            if (loaded != null) {
                checkLength(loaded.where(), loaded.bytes().length);
                available += loaded.bytes().length / RECORD_BYTES;
            }
        }
        int n = (int) Math.min(available, Math.max(0, max));
        byte[] labels = new byte[n];
        byte[] pixels = new byte[Math.multiplyExact(n, ImageSet.IMAGE_BYTES)];
        int k = 0;
        for (String name : files) {
            Loaded loaded = raw.remove(name);
            if (loaded == null || k >= n) {
                continue;
            }
            byte[] bytes = loaded.bytes();
            int records = Math.min(bytes.length / RECORD_BYTES, n - k);
            for (int r = 0; r < records; r++, k++) {
                int off = r * RECORD_BYTES;
                int label = bytes[off] & 0xFF;
                if (label >= ImageSet.NUM_CLASSES) {
                    throw new CifarFormatException("CIFAR-10 file " + loaded.where() + ": record " + r
                            + " has label " + label + ", outside 0.." + (ImageSet.NUM_CLASSES - 1));
                }
                labels[k] = (byte) label;
                System.arraycopy(bytes, off + 1, pixels, k * ImageSet.IMAGE_BYTES, ImageSet.IMAGE_BYTES);
            }
        }
        return new ImageSet(labels, pixels);
    }

    private static void checkLength(String where, long length) throws CifarFormatException {
        if (length % RECORD_BYTES != 0) {
            throw new CifarFormatException("CIFAR-10 file " + where + " is truncated or corrupt: its length " + length
                    + " is not a multiple of the record length " + RECORD_BYTES + " (1 label + "
                    + ImageSet.IMAGE_BYTES + " pixel bytes); " + length / RECORD_BYTES + " whole records and "
                    + length % RECORD_BYTES + " bytes left over");
        }
        if (length / RECORD_BYTES > Integer.MAX_VALUE / ImageSet.IMAGE_BYTES) {
            throw new CifarFormatException("CIFAR-10 file " + where + " is too large (" + length + " bytes)");
        }
    }

    private static Loaded readFile(Path file) throws IOException {
        // Check the length first: a wrong size is reported without reading 30 MB.
        checkLength(file.toString(), Files.size(file));
        return new Loaded(file.toString(), Files.readAllBytes(file));
    }

    /** The six batch files, in reading order (also the order of a folder's digest). */
    static List<String> allFiles() {
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        return all;
    }

    private static String baseName(String entryName) {
        int slash = entryName.lastIndexOf('/');
        return slash < 0 ? entryName : entryName.substring(slash + 1);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }
}
