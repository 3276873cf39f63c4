package io.fmkt.core.store;

/**
 * Where tensors live (weights, feature-map snapshots); Kafka messages only carry {@link ObjectRef}s.
 * Implementations are thread-safe.
 */
public interface ObjectStore {

    /**
     * Stores {@code bytes} under {@code key} and returns its reference. For a content-addressed key
     * (see {@link ObjectKeys}) the bytes must hash to the key's digest, and an existing object is not
     * uploaded again.
     *
     * @throws ObjectTooLargeException if {@code bytes} exceed the store's limit
     */
    ObjectRef put(String key, byte[] bytes);

    /**
     * Reads the object and verifies its size and SHA-256 against {@code ref}.
     *
     * @throws ObjectNotFoundException  if there is no such object
     * @throws ObjectIntegrityException if the stored size or digest differs from {@code ref}
     * @throws ObjectTooLargeException  if the stored object exceeds the store's limit
     */
    byte[] get(ObjectRef ref);

    boolean exists(String key);

    /** Stores content under its content-addressed key {@code runs/{runId}/{kind}/{sha256}.{ext}}. */
    default ObjectRef putContent(String runId, ObjectKind kind, byte[] bytes) {
        return put(ObjectKeys.forContent(runId, kind, bytes), bytes);
    }
}
