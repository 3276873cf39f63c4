package io.fmkt.core.store;

/** The stored bytes are not the ones the reference promises (corrupted, truncated or replaced). */
public class ObjectIntegrityException extends ObjectStoreException {
    private final String key;

    public ObjectIntegrityException(String key, String what, String expected, String actual) {
        super(what + " mismatch for key '" + key + "': expected " + expected + ", actual " + actual);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
