package io.fmkt.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a service finds datasets: a folder it was configured with, holding datasets by <em>name</em>.
 * A run names its data and gives its SHA-256; the path is never taken from a message. A name is one
 * plain file or folder name (no separators, no {@code ..}, not absolute), resolved under the root, and
 * the dataset's digest must match before anything trains or evaluates on it, so every service of a
 * run uses the same bytes.
 *
 * <p>The digest of an archive ({@code cifar-10-binary.tar.gz}) is its {@code sha256sum}. The digest
 * of an extracted folder is that of its CIFAR files' {@code sha256sum} listing, in the reader's order:
 * {@code (cd cifar-10-batches-bin && sha256sum data_batch_{1..5}.bin test_batch.bin) | sha256sum}.
 */
public final class DataRoot {
    /** One file or folder name: letters, digits, dot, dash, underscore; not starting with a dot. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int CACHED = 64;

    /** Why a dataset reference was refused. */
    public enum Refusal { NOT_A_NAME, UNKNOWN, DIGEST_MISMATCH }

    /** A dataset reference this root will not serve, with the reason and the field at fault. */
    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;
        private final String field;

        RefusedException(Refusal refusal, String field, String message) {
            super(message);
            this.refusal = refusal;
            this.field = field;
        }

        public Refusal refusal() {
            return refusal;
        }

        /** {@code data} or {@code dataSha256}. */
        public String field() {
            return field;
        }
    }

    /** A dataset as a run refers to it. */
    public record Dataset(String name, String sha256) {
    }

    private final Path root;
    /** Digests of files already hashed, by path, size and modification time (guarded by itself). */
    private final Map<String, String> digests = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> e) {
            return size() > CACHED;
        }
    };

    /** @param root the folder; null: this process serves no datasets (synthetic runs only) */
    public DataRoot(Path root) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * The dataset {@code name} under this root, checked against {@code sha256} (reads it once; cached
     * while the file's size and time stay).
     *
     * @throws RefusedException if the name is not a plain name, names nothing here, or the digest differs
     */
    public Path resolve(String name, String sha256) {
        checkName(name);
        if (sha256 == null) {
            throw new RefusedException(Refusal.DIGEST_MISMATCH, "data.sha256",
                    "data '" + name + "' comes without dataSha256: a dataset is only used against its digest");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new RefusedException(Refusal.DIGEST_MISMATCH, "data.sha256",
                    "dataSha256 must be 64 lowercase hex digits, got '" + abbreviate(sha256) + "'");
        }
        if (root == null) {
            throw new RefusedException(Refusal.UNKNOWN, "data.name", "data '" + name
                    + "': this service has no data root (set fmkt.data-dir / FMKT_DATA_DIR); it runs synthetic data only");
        }
        Path p = root.resolve(name);
        if (!Files.exists(p)) {
            throw new RefusedException(Refusal.UNKNOWN, "data.name", "data '" + name + "' is not in this service's data root "
                    + root);
        }
        String actual = digest(p);
        if (!actual.equals(sha256)) {
            throw new RefusedException(Refusal.DIGEST_MISMATCH, "data.sha256", "data '" + name + "' has sha256 " + actual
                    + ", the run asks for " + sha256 + ": this service holds other data under that name");
        }
        return p;
    }

    /** Refuses anything but a plain name: absolute paths, separators, {@code ..}, hidden names. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new RefusedException(Refusal.NOT_A_NAME, "data.name", "data must be 'synthetic' or a dataset name"
                    + " (letters, digits, '.', '-', '_'; no path), got '" + abbreviate(String.valueOf(name)) + "'");
        }
    }

    /**
     * A local path the user gave, against the digest a config asks for (none: anything goes).
     *
     * @param actual its digest ({@link #digest})
     */
    public static void requireLocal(Path path, String actual, String expected) throws java.io.IOException {
        if (expected != null && !expected.equals(actual)) {
            throw new java.io.IOException("data " + path + " has sha256 " + actual + ", the config asks for " + expected);
        }
    }

    /** A local path as a run refers to it: its file name (made a valid name) and its digest. */
    public static Dataset describe(Path path) {
        String file = path.toAbsolutePath().normalize().getFileName().toString();
        String name = file.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "_");
        if (!NAME.matcher(name).matches()) {
            name = "data-" + name.replaceAll("^[._-]+", "");
        }
        return new Dataset(name, new DataRoot(null).digest(path));
    }

    /** The dataset digest of an archive or an extracted CIFAR-10 folder (see the class comment). */
    public String digest(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isDirectory()) {
                Path batches = Files.isDirectory(p.resolve(CifarReader.FOLDER)) ? p.resolve(CifarReader.FOLDER) : p;
                StringBuilder listing = new StringBuilder();
                for (String f : CifarReader.allFiles()) {
                    listing.append(fileDigest(batches.resolve(f))).append("  ").append(f).append('\n');
                }
                return hex(sha256().digest(listing.toString().getBytes(StandardCharsets.UTF_8)));
            }
            return fileDigest(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + p + ": " + e.getMessage(), e);
        }
    }

    private String fileDigest(Path f) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        String key = f.toRealPath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        synchronized (digests) {
            String known = digests.get(key);
            if (known != null) {
                return known;
            }
        }
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        String d = hex(md.digest());
        synchronized (digests) {
            digests.put(key, d);
        }
        return d;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
