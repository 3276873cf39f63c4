package io.fmkt.core.store;

/** An object bigger than the store's configured limit: refused before any bytes are moved. */
public class ObjectTooLargeException extends ObjectStoreException {
    public ObjectTooLargeException(String key, long size, long limit) {
        super("object '" + key + "' is " + size + " bytes, over the limit of " + limit + " bytes");
    }
}
