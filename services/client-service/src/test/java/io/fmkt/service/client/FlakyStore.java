package io.fmkt.service.client;

import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.store.ObjectStoreException;
import io.fmkt.service.common.MeteredObjectStore;
import io.fmkt.service.common.S3Settings;
import io.fmkt.s3.S3ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service's real S3 store, except that the first model upload of a run whose id starts with
 * {@value #PREFIX} fails, as an S3 outage would: for the test that a failed upload behind an agent
 * neither loses the model nor lets a message name a missing object. Other runs are untouched.
 */
@ApplicationScoped
public class FlakyStore {
    static final String PREFIX = "flaky-";
    static final AtomicInteger FAILED = new AtomicInteger();

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    ObjectStore objectStore(S3Settings s3, MeterRegistry registry) {
        ObjectStore real = new MeteredObjectStore(new S3ObjectStore(s3.toStoreConfig()), registry);
        return new ObjectStore() {
            @Override
            public ObjectRef put(String key, byte[] bytes) {
                if (key.startsWith("runs/" + PREFIX) && key.contains("/models/") && FAILED.compareAndSet(0, 1)) {
                    throw new ObjectStoreException("put of key '" + key + "' failed: injected outage");
                }
                return real.put(key, bytes);
            }

            @Override
            public byte[] get(ObjectRef ref) {
                return real.get(ref);
            }

            @Override
            public boolean exists(String key) {
                return real.exists(key);
            }
        };
    }
}
