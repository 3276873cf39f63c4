package io.fmkt.service.common;

import io.fmkt.core.store.ObjectStore;
import io.fmkt.s3.S3ObjectStore;
import io.fmkt.core.wire.WireCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    /**
     * Connects in the background once the service is up, so that a run's first step does not pay
     * for building the client and its first round trip (a second or two in a fresh JVM). If the
     * store cannot be reached now, nothing changes: the first use tries again and fails with the cause.
     */
    void connectEarly(@Observes StartupEvent e, ObjectStore store) {
        Thread t = new Thread(() -> {
            try {
                ClientProxy.unwrap(store);
            } catch (RuntimeException ex) {
                LOG.debugf("object store not reachable at start (%s); its first use tries again", ex);
            }
        }, "fmkt-store-connect");
        t.setDaemon(true);
        t.start();
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
