package io.fmkt.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Fetches the CIFAR-10 binary archive into a cache directory, once.
 *
 * <p>A cached file is trusted only after its size and digest check out, so a run never trains on a
 * truncated or tampered archive and never touches the network when a good copy is at hand. The
 * download goes to a temp file in the cache directory and is moved into place atomically only
 * after verification: a crash or a bad download never leaves a file that looks finished.
 */
public final class CifarDownloader {
    private static final System.Logger LOG = System.getLogger(CifarDownloader.class.getName());

    /** Where to get an archive and how to recognise a good copy of it. */
    public record Source(URI uri, String fileName, long expectedSize, String digestAlgorithm, String expectedDigest) {
        /** The archive published at https://www.cs.toronto.edu/~kriz/cifar.html, with its published size and md5. */
        public static final Source OFFICIAL = new Source(
                URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "cifar-10-binary.tar.gz",
                170_052_171L, "MD5", "c32a1d4ab5d03f1284b67883e8d87530");

        /**
         * @param expectedSize    bytes, or a negative number to skip the size check
         * @param digestAlgorithm a {@link MessageDigest} name such as {@code MD5} or {@code SHA-256}
         * @param expectedDigest  the digest in hex (either case)
         */
        public Source {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
            Objects.requireNonNull(expectedDigest, "expectedDigest");
            if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")) {
                throw new IllegalArgumentException("Source: fileName must be a plain file name, got '" + fileName + "'");
            }
            try {
                MessageDigest.getInstance(digestAlgorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("Source: unknown digest algorithm " + digestAlgorithm, e);
            }
            expectedDigest = expectedDigest.toLowerCase(Locale.ROOT);
        }

        /** The same source with another URL (a mirror) but the same expected file. */
        public Source withUri(URI mirror) {
            return new Source(mirror, fileName, expectedSize, digestAlgorithm, expectedDigest);
        }
    }

    private final HttpClient client;

    /** Uses an HTTP client that follows redirects (but never https to http). */
    public CifarDownloader() {
        this(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build());
    }

    public CifarDownloader(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** {@link #fetch(Source, Path)} for the official archive. */
    public Path fetch(Path cacheDir) throws IOException, InterruptedException {
        return fetch(Source.OFFICIAL, cacheDir);
    }

    /**
     * Returns {@code cacheDir/source.fileName()}, verified. A cached copy that verifies is returned
     * without any network access; one that does not is replaced by a fresh download.
     *
     * @throws IOException on an HTTP error or when the download's size or digest is wrong (the
     *                     partial file is deleted; the message gives expected and actual values)
     */
    public Path fetch(Source source, Path cacheDir) throws IOException, InterruptedException {
        Files.createDirectories(cacheDir);
        Path target = cacheDir.resolve(source.fileName());
        if (Files.isRegularFile(target)) {
            String problem = verify(target, source);
            if (problem == null) {
                return target;
            }
            LOG.log(System.Logger.Level.WARNING, "Cached " + target + " is bad (" + problem + "); downloading again");
        }
        LOG.log(System.Logger.Level.INFO, "Downloading " + source.uri() + " to " + target);
        Path tmp = Files.createTempFile(cacheDir, source.fileName() + ".", ".part");
        try {
            download(source.uri(), tmp);
            String problem = verify(tmp, source);
            if (problem != null) {
                throw new IOException("Download of " + source.uri() + " is corrupt: " + problem);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True when {@code file} exists and has the source's size and digest. */
    public static boolean isVerified(Path file, Source source) throws IOException {
        return Files.isRegularFile(file) && verify(file, source) == null;
    }

    private void download(URI uri, Path tmp) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("Download of " + uri + " failed: HTTP " + response.statusCode());
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.transferTo(out);
            }
        }
    }

    /** Null when the file matches, otherwise what is wrong, with expected and actual values. */
    private static String verify(Path file, Source source) throws IOException {
        long size = Files.size(file);
        if (source.expectedSize() >= 0 && size != source.expectedSize()) {
            return "size expected " + source.expectedSize() + " bytes, actual " + size + " bytes";
        }
        String actual = digest(file, source.digestAlgorithm());
        if (!actual.equals(source.expectedDigest())) {
            return source.digestAlgorithm() + " expected " + source.expectedDigest() + ", actual " + actual;
        }
        return null;
    }

    /** The hex digest of a file, e.g. to pin a mirror's copy in a {@link Source}. */
    public static String digest(Path file, String algorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm " + algorithm, e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
