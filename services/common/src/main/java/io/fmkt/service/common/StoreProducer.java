package io.fmkt.service.common;

import io.fmkt.core.store.ObjectStore;
import io.fmkt.s3.S3ObjectStore;
import io.fmkt.core.wire.WireCodec;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The object store and the wire codec as beans, built from configuration only. */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    /**
     * Created on first use (application scope is lazy behind its proxy), so a service starts, and
     * reports health, even while the store is unreachable; the first call then fails with the cause.
     * {@link S3ObjectStore} creates the bucket when it is missing. Every call is measured
     * ({@link MeteredObjectStore}: {@value Metrics#STORE_BYTES}, {@value Metrics#STORE_LATENCY}).
     */
    @Produces
    @ApplicationScoped
    ObjectStore objectStore(S3Settings s3, MeterRegistry registry) {
        S3ObjectStore store = new S3ObjectStore(s3.toStoreConfig());
        LOG.infof("object store: %s", s3.describe());
        return new MeteredObjectStore(store, registry);
    }

    void close(@Disposes ObjectStore store) {
        if (store instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warnf("object store did not close cleanly: %s", e);
            }
        }
    }

    /** One codec for every channel; it is thread-safe. {@code @Singleton}: the class is final, so no proxy. */
    @Produces
    @Singleton
    WireCodec wireCodec() {
        return new WireCodec();
    }
}
