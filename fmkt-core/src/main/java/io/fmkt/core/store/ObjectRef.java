package io.fmkt.core.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a Kafka message carries instead of the bytes: where an object is and what it must hash to.
 *
 * @param key    object key inside the store's bucket
 * @param sha256 lower-case hex SHA-256 of the content (64 chars)
 * @param size   content length in bytes
 */
public record ObjectRef(String key, String sha256, long size) {
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ObjectRef {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: '" + sha256 + "' (key " + key + ")");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for key " + key);
        }
    }
}
