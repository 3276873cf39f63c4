package io.fmkt.core.store;

/** The key does not exist in the bucket (never written, or written to another bucket/store). */
public class ObjectNotFoundException extends ObjectStoreException {
    private final String key;
    private final String bucket;

    public ObjectNotFoundException(String key, String bucket) {
        super("object not found: key '" + key + "' in bucket '" + bucket + "'");
        this.key = key;
        this.bucket = bucket;
    }

    public String key() {
        return key;
    }

    public String bucket() {
        return bucket;
    }
}
