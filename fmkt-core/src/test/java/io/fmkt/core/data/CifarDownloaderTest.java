package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a local server only: nothing here touches the internet. */
class CifarDownloaderTest {
    private static final String NAME = "cifar-10-binary.tar.gz";

    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private byte[] archive;
    private String md5;
    private URI uri;
    private final CifarDownloader downloader = new CifarDownloader(
            HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).version(HttpClient.Version.HTTP_1_1).build());

    @BeforeEach
    void serveASyntheticArchive() throws IOException {
        Path made = SyntheticCifar.writeTarGz(tmp.resolve("made").resolve(NAME), 8, 3, 5);
        archive = Files.readAllBytes(made);
        md5 = CifarDownloader.digest(made, "MD5");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/" + NAME, exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, archive.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(archive);
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + NAME);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private CifarDownloader.Source source(long size, String algorithm, String digest) {
        return new CifarDownloader.Source(uri, NAME, size, algorithm, digest);
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void downloadsVerifiesAndTheResultReads() throws Exception {
        Path cache = tmp.resolve("cache");
        Path got = downloader.fetch(source(archive.length, "MD5", md5.toUpperCase()), cache);
        assertThat(got).isEqualTo(cache.resolve(NAME));
        assertThat(Files.readAllBytes(got)).isEqualTo(archive);
        assertThat(filesIn(cache)).isEqualTo(1); // no temp file left behind
        assertThat(CifarReader.read(got).train().pixels()).isEqualTo(SyntheticCifar.generate(8, 3, 5).train().pixels());
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void verifiedCacheIsReusedWithoutNetwork() throws Exception {
        Path cache = tmp.resolve("cache");
        CifarDownloader.Source src = source(archive.length, "MD5", md5);
        downloader.fetch(src, cache);
        server.stop(0); // a second request could not even connect
        Path again = downloader.fetch(src, cache);
        assertThat(Files.readAllBytes(again)).isEqualTo(archive);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(CifarDownloader.isVerified(again, src)).isTrue();
    }

    @Test
    void corruptCacheIsDownloadedAgain() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        byte[] bad = archive.clone();
        bad[bad.length / 2] ^= 1; // same size, wrong digest
        Files.write(cache.resolve(NAME), bad);
        Path got = downloader.fetch(source(archive.length, "SHA-256", CifarDownloader.digest(tmp.resolve("made").resolve(NAME), "SHA-256")), cache);
        assertThat(Files.readAllBytes(got)).isEqualTo(archive);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void wrongDigestDeletesTheDownloadAndNamesExpectedAndActual() throws Exception {
        Path cache = tmp.resolve("cache");
        String wrong = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> downloader.fetch(source(archive.length, "MD5", wrong), cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(uri.toString())
                .hasMessageContaining("MD5 expected " + wrong)
                .hasMessageContaining("actual " + md5);
        assertThat(filesIn(cache)).isZero();
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void wrongSizeDeletesTheDownloadAndNamesExpectedAndActual() throws Exception {
        Path cache = tmp.resolve("cache");
        assertThatThrownBy(() -> downloader.fetch(source(170_052_171L, "MD5", md5), cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("size expected 170052171 bytes, actual " + archive.length + " bytes");
        assertThat(filesIn(cache)).isZero();
    }

    @Test
    void httpErrorIsReported() throws Exception {
        Path cache = tmp.resolve("cache");
        CifarDownloader.Source missing = source(-1, "MD5", md5).withUri(uri.resolve("/nothing-here"));
        assertThatThrownBy(() -> downloader.fetch(missing, cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 404");
        assertThat(filesIn(cache)).isZero();
    }

    @Test
    void officialSourceCarriesThePublishedValues() {
        CifarDownloader.Source official = CifarDownloader.Source.OFFICIAL;
        assertThat(official.uri()).hasToString("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
        assertThat(official.expectedSize()).isEqualTo(170_052_171L);
        assertThat(official.digestAlgorithm()).isEqualTo("MD5");
        assertThat(official.expectedDigest()).isEqualTo("c32a1d4ab5d03f1284b67883e8d87530");
        assertThatThrownBy(() -> new CifarDownloader.Source(official.uri(), "a/b", 1, "MD5", "00"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CifarDownloader.Source(official.uri(), "x", 1, "NOPE-1", "00"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
