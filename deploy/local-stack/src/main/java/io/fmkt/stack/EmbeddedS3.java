package io.fmkt.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/** S3Proxy serving a filesystem directory (one sub-directory per bucket) over the S3 API. */
final class EmbeddedS3 implements AutoCloseable {
    private final Path dir;
    private final int requestedPort;
    private final S3Credentials credentials;
    private final List<String> buckets;
    private BlobStore store;
    private S3Proxy proxy;

    EmbeddedS3(Path dir, int port, S3Credentials credentials, List<String> buckets) {
        this.dir = dir;
        this.requestedPort = port;
        this.credentials = credentials;
        this.buckets = buckets;
    }

    void start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create S3 data dir " + dir, e);
        }
        store = new FilesystemNio2BlobStore(dir.toString());
        for (String bucket : buckets) {
            // A bucket is a directory: creating it only when missing keeps existing objects.
            if (!Files.isDirectory(dir.resolve(bucket))) {
                store.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
            }
        }
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V4, credentials.accessKey(), credentials.secretKey())
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start, state " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to start on port " + requestedPort, e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
