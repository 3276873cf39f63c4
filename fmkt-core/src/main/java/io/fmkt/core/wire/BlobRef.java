package io.fmkt.core.wire;

/**
 * A pointer to an immutable object in the object store, as messages carry it: tensors never travel
 * through Kafka, only where they are and what they must hash to. A reader verifies {@code sha256}
 * (and {@code size}) before use, so a stale or tampered object cannot be trained on.
 *
 * <p>The key is checked here because it comes off the wire and ends up in object-store requests and,
 * for the local store, file paths: no {@code ..}, no leading {@code /}, no backslashes or control
 * characters, at most 1024 characters (the S3 limit).
 *
 * @param key    the object's key in the bucket, e.g. {@code runs/run-1/models/r0003/c02-<sha>.weights}
 * @param sha256 SHA-256 of the object's bytes, 64 lowercase hex characters
 * @param size   the object's length in bytes
 */
public record BlobRef(String key, String sha256, long size) {
    public static final int MAX_KEY_LENGTH = 1024;

    public BlobRef {
        Checks.nonBlank("key", key);
        if (key.length() > MAX_KEY_LENGTH) {
            throw WireException.invalid("key", "longer than " + MAX_KEY_LENGTH + " characters (" + key.length() + ")");
        }
        if (key.startsWith("/")) {
            throw WireException.invalid("key", "must be relative (no leading '/'), got '"
                    + Checks.abbreviate(key, 80) + "'");
        }
        if (key.contains("..")) {
            throw WireException.invalid("key", "must not contain '..', got '" + Checks.abbreviate(key, 80) + "'");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' || Character.isISOControl(c)) {
                throw WireException.invalid("key", "must not contain backslashes or control characters (at index "
                        + i + ")");
            }
        }
        Checks.sha256("sha256", sha256);
        Checks.atLeast("size", size, 0L);
    }

    public static BlobRef of(io.fmkt.core.store.ObjectRef ref) {
        return new BlobRef(ref.key(), ref.sha256(), ref.size());
    }

    public io.fmkt.core.store.ObjectRef toObjectRef() {
        return new io.fmkt.core.store.ObjectRef(key, sha256, size);
    }
}
