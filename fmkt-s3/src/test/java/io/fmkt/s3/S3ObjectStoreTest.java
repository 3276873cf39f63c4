package io.fmkt.s3;

import io.fmkt.core.store.ObjectIntegrityException;
import io.fmkt.core.store.ObjectKeys;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStoreException;
import io.fmkt.core.store.ObjectTooLargeException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.fmkt.core.codec.Digests;
import io.fmkt.stack.LocalStack;
import io.fmkt.stack.StackConfig;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real S3 server: S3Proxy from the local stack, started once for the class. */
class S3ObjectStoreTest {
    private static final String BUCKET = "fmkt-test";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static S3ObjectStore store;
    static MinioClient raw;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(StackConfig.builder(dir).buckets("fmkt").build());
        store = new S3ObjectStore(config(BUCKET));
        raw = MinioClient.builder().endpoint(stack.s3Endpoint()).region("us-east-1")
                .credentials(stack.credentials().accessKey(), stack.credentials().secretKey()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        raw.close();
        store.close();
        stack.close();
    }

    private static S3StoreConfig config(String bucket) {
        return S3StoreConfig.of(stack.s3Endpoint(), stack.credentials().accessKey(), stack.credentials().secretKey(),
                bucket);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void overwriteRaw(String key, byte[] bytes) throws Exception {
        raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    @Test
    void roundTripsContentAddressedObjects() {
        byte[] bytes = random(100_000, 1);
        ObjectRef ref = store.putContent("rt", ObjectKind.MODEL, bytes);

        assertThat(ref.key()).isEqualTo(ObjectKeys.model("rt", Digests.sha256Hex(bytes)));
        assertThat(ref.sha256()).isEqualTo(Digests.sha256Hex(bytes));
        assertThat(ref.size()).isEqualTo(bytes.length);
        assertThat(store.exists(ref.key())).isTrue();
        assertThat(store.get(ref)).isEqualTo(bytes);
    }

    @Test
    void roundTripsEmptyAndMultipartSizedObjects() {
        ObjectRef empty = store.put("misc/empty", new byte[0]);
        assertThat(store.get(empty)).isEmpty();

        byte[] big = random((int) S3ObjectStore.PART_SIZE + 1_000_003, 2); // more than one part
        ObjectRef ref = store.putContent("rt", ObjectKind.FEATURES, big);
        assertThat(store.get(ref)).isEqualTo(big);
    }

    @Test
    void putOfAnExistingContentAddressedKeyDoesNotUploadAgain() throws Exception {
        byte[] bytes = random(4096, 3);
        ObjectRef first = store.putContent("idem", ObjectKind.MODEL, bytes);
        // Replace the stored bytes behind the store's back (same size): a second put must skip the
        // upload, which the corruption surviving it proves.
        overwriteRaw(first.key(), random(4096, 4));
        ObjectRef second = store.putContent("idem", ObjectKind.MODEL, bytes);

        assertThat(second).isEqualTo(first);
        assertThatThrownBy(() -> store.get(first)).isInstanceOf(ObjectIntegrityException.class);
    }

    @Test
    void plainKeysAreOverwritten() {
        store.put("misc/latest", random(10, 5));
        ObjectRef second = store.put("misc/latest", random(20, 6));
        assertThat(store.get(second)).isEqualTo(random(20, 6));
    }

    @Test
    void refusesContentThatDoesNotMatchItsContentAddressedKey() {
        String key = ObjectKeys.model("r", Digests.sha256Hex(new byte[] {1}));
        assertThatThrownBy(() -> store.put(key, new byte[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void corruptedObjectFailsTheDigestCheck() throws Exception {
        byte[] bytes = random(10_000, 7);
        ObjectRef ref = store.putContent("corrupt", ObjectKind.MODEL, bytes);
        byte[] corrupted = Arrays.copyOf(bytes, bytes.length);
        corrupted[5000] ^= 1;
        overwriteRaw(ref.key(), corrupted);

        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining(ref.key())
                .hasMessageContaining(ref.sha256())
                .hasMessageContaining(Digests.sha256Hex(corrupted));
    }

    @Test
    void truncatedObjectFailsTheSizeCheck() throws Exception {
        byte[] bytes = random(1000, 8);
        ObjectRef ref = store.putContent("trunc", ObjectKind.FEATURES, bytes);
        overwriteRaw(ref.key(), Arrays.copyOf(bytes, 999));

        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("size mismatch").hasMessageContaining("1000 bytes").hasMessageContaining("999 bytes");
    }

    @Test
    void missingObjectIsReportedWithKeyAndBucket() {
        ObjectRef ref = new ObjectRef(ObjectKeys.model("gone", Digests.sha256Hex(new byte[] {9})), Digests.sha256Hex(new byte[] {9}), 1);
        assertThat(store.exists(ref.key())).isFalse();
        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOfSatisfying(ObjectNotFoundException.class, e -> {
                    assertThat(e.key()).isEqualTo(ref.key());
                    assertThat(e.bucket()).isEqualTo(BUCKET);
                })
                .hasMessageContaining(ref.key()).hasMessageContaining(BUCKET);
    }

    @Test
    void objectsOverTheLimitAreRefusedBothWays() throws Exception {
        try (S3ObjectStore small = new S3ObjectStore(config(BUCKET).withMaxObjectBytes(1024))) {
            assertThatThrownBy(() -> small.put("misc/big", new byte[1025]))
                    .isInstanceOf(ObjectTooLargeException.class)
                    .hasMessageContaining("misc/big").hasMessageContaining("1025").hasMessageContaining("1024");
            assertThat(small.exists("misc/big")).isFalse();

            byte[] big = random(2048, 9);
            ObjectRef ref = store.put("misc/big-stored", big);
            assertThatThrownBy(() -> small.get(ref)).isInstanceOf(ObjectTooLargeException.class);
            // A reference that under-states the size is caught by the stat, before any download.
            ObjectRef lying = new ObjectRef(ref.key(), ref.sha256(), 10);
            assertThatThrownBy(() -> small.get(lying))
                    .isInstanceOf(ObjectTooLargeException.class).hasMessageContaining("2048");
        }
    }

    @Test
    void createsItsBucketWhenMissing() throws Exception {
        try (S3ObjectStore other = new S3ObjectStore(config("fresh-bucket"))) {
            assertThat(raw.bucketExists(BucketExistsArgs.builder().bucket("fresh-bucket").build())).isTrue();
            ObjectRef ref = other.put("misc/x", new byte[] {1, 2, 3});
            assertThat(other.get(ref)).containsExactly(1, 2, 3);
        }
        // A second store on the now existing bucket starts fine.
        new S3ObjectStore(config("fresh-bucket")).close();
    }

    @Test
    void wrongCredentialsFailClearly() {
        S3StoreConfig bad = new S3StoreConfig(stack.s3Endpoint(), "fmkt", "wrong-secret", BUCKET, "us-east-1", 1024);
        assertThatThrownBy(() -> new S3ObjectStore(bad))
                .isInstanceOf(ObjectStoreException.class).hasMessageContaining(BUCKET);
    }
}
