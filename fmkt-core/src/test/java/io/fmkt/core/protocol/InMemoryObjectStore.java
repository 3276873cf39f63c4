package io.fmkt.core.protocol;

import io.fmkt.core.codec.Digests;
import io.fmkt.core.store.ObjectIntegrityException;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A map standing in for S3 in unit tests of pure protocol logic (the S3 path has its own tests). */
final class InMemoryObjectStore implements ObjectStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public ObjectRef put(String key, byte[] bytes) {
        objects.putIfAbsent(key, bytes.clone());
        return new ObjectRef(key, Digests.sha256Hex(bytes), bytes.length);
    }

    @Override
    public byte[] get(ObjectRef ref) {
        byte[] b = objects.get(ref.key());
        if (b == null) {
            throw new ObjectNotFoundException(ref.key(), "memory");
        }
        if (!Digests.sha256Hex(b).equals(ref.sha256())) {
            throw new ObjectIntegrityException(ref.key(), "sha256", ref.sha256(), Digests.sha256Hex(b));
        }
        return b.clone();
    }

    @Override
    public boolean exists(String key) {
        return objects.containsKey(key);
    }
}
