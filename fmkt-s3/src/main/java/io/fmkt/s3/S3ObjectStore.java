package io.fmkt.s3;

import io.fmkt.core.store.ObjectIntegrityException;
import io.fmkt.core.store.ObjectKeys;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.store.ObjectStoreException;
import io.fmkt.core.store.ObjectTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

import io.fmkt.core.codec.Digests;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;

/** {@link ObjectStore} on any S3-compatible server (MinIO, S3Proxy, AWS) through the MinIO client. */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    /**
     * Objects up to this size go up in one PUT, larger ones as multipart with parts of this size.
     * Why not one PUT always: S3Proxy buffers a signed non-chunked body and refuses ones over 32 MiB.
     */
    static final long PART_SIZE = 16L << 20;
    /** User metadata (x-amz-meta-sha256) so the digest can be checked with S3 tools too. */
    static final String SHA256_META = "sha256";

    private final S3StoreConfig config;
    private final MinioClient client;

    public S3ObjectStore(S3StoreConfig config) {
        this.config = config;
        this.client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).build();
        try {
            ensureBucket();
        } catch (RuntimeException e) {
            close(); // do not leak the HTTP client's threads when the store is unusable
            throw e;
        }
    }

    private void ensureBucket() {
        String bucket = config.bucket();
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            // Another process created it between the check and the create: fine.
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw new ObjectStoreException("cannot create bucket '" + bucket + "' at " + config.endpoint(), e);
            }
        } catch (Exception e) {
            throw new ObjectStoreException("cannot reach bucket '" + bucket + "' at " + config.endpoint() + ": " + e, e);
        }
    }

    public S3StoreConfig config() {
        return config;
    }

    @Override
    public ObjectRef put(String key, byte[] bytes) {
        checkSize(key, bytes.length);
        String sha = Digests.sha256Hex(bytes);
        String promised = ObjectKeys.digestOf(key);
        if (promised != null && !promised.equals(sha)) {
            throw new IllegalArgumentException("content-addressed key '" + key + "' does not match the content's sha256 " + sha);
        }
        ObjectRef ref = new ObjectRef(key, sha, bytes.length);
        // Content-addressed objects are immutable: same key and size means same bytes, skip the upload.
        if (promised != null) {
            StatObjectResponse existing = statOrNull(key);
            if (existing != null && existing.size() == bytes.length) {
                return ref;
            }
        }
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key)
                    .stream(in, bytes.length, PART_SIZE)
                    .contentType("application/octet-stream")
                    .userMetadata(Map.of(SHA256_META, sha))
                    .build());
        } catch (Exception e) {
            throw failure("put", key, e);
        }
        return ref;
    }

    @Override
    public byte[] get(ObjectRef ref) {
        String key = ref.key();
        checkSize(key, ref.size());
        StatObjectResponse stat = statOrNull(key);
        if (stat == null) {
            throw new ObjectNotFoundException(key, config.bucket());
        }
        checkSize(key, stat.size());
        if (stat.size() != ref.size()) {
            throw new ObjectIntegrityException(key, "size", ref.size() + " bytes", stat.size() + " bytes");
        }
        byte[] bytes;
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
            // Never read more than promised + 1: a replaced, longer object cannot blow up memory.
            bytes = in.readNBytes((int) ref.size() + 1);
        } catch (ErrorResponseException e) {
            throw notFoundOr(key, e);
        } catch (Exception e) {
            throw failure("get", key, e);
        }
        if (bytes.length != ref.size()) {
            throw new ObjectIntegrityException(key, "size", ref.size() + " bytes", "at least " + bytes.length + " bytes");
        }
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(ref.sha256())) {
            throw new ObjectIntegrityException(key, "sha256", ref.sha256(), actual);
        }
        return bytes;
    }

    @Override
    public boolean exists(String key) {
        return statOrNull(key) != null;
    }

    private StatObjectResponse statOrNull(String key) {
        try {
            return client.statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build());
        } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
                return null;
            }
            throw failure("stat", key, e);
        } catch (Exception e) {
            throw failure("stat", key, e);
        }
    }

    private void checkSize(String key, long size) {
        if (size > config.maxObjectBytes()) {
            throw new ObjectTooLargeException(key, size, config.maxObjectBytes());
        }
    }

    private static boolean isNotFound(ErrorResponseException e) {
        String code = e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code);
    }

    private ObjectStoreException notFoundOr(String key, ErrorResponseException e) {
        return isNotFound(e) ? new ObjectNotFoundException(key, config.bucket()) : failure("get", key, e);
    }

    private ObjectStoreException failure(String op, String key, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new ObjectStoreException(op + " of key '" + key + "' in bucket '" + config.bucket() + "' at "
                + config.endpoint() + " failed: " + e, e);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new ObjectStoreException("closing the S3 client failed", e);
        }
    }
}
