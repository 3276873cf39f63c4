package io.fmkt.core.store;

/** Any failure of the object store; the subclasses name the ones a caller may want to handle. */
public class ObjectStoreException extends RuntimeException {
    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
