package io.fmkt.service.common;

import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * An {@link ObjectStore} that measures every call of the store it wraps:
 * {@value Metrics#STORE_BYTES} (distribution summary, bytes handed to {@code put} / returned by
 * {@code get}; Prometheus {@code fmkt_store_bytes_sum}/{@code _count}/{@code _max}, tags op, kind) and
 * {@value Metrics#STORE_LATENCY} (timer with a percentile histogram; Prometheus
 * {@code fmkt_store_latency_seconds_*}, tags op = put|get|exists, outcome = ok|error). A failed call
 * counts in the timer (outcome error), never in the bytes. A put of a content-addressed object that
 * is already stored skips the upload but still counts its bytes: the summary measures what the
 * protocol moves, not what crosses the wire.
 */
public final class MeteredObjectStore implements ObjectStore, AutoCloseable {
    static final String PUT = "put";
    static final String GET = "get";
    static final String EXISTS = "exists";

    private final ObjectStore delegate;
    private final MeterRegistry registry;

    public MeteredObjectStore(ObjectStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    public ObjectStore delegate() {
        return delegate;
    }

    @Override
    public ObjectRef put(String key, byte[] bytes) {
        ObjectRef ref = timed(PUT, () -> delegate.put(key, bytes));
        bytes(PUT, key).record(bytes.length);
        return ref;
    }

    @Override
    public byte[] get(ObjectRef ref) {
        byte[] bytes = timed(GET, () -> delegate.get(ref));
        bytes(GET, ref.key()).record(bytes.length);
        return bytes;
    }

    @Override
    public boolean exists(String key) {
        return timed(EXISTS, () -> delegate.exists(key));
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }

    private <T> T timed(String op, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } finally {
            Timer.builder(Metrics.STORE_LATENCY).description("Object store calls")
                    .tag(Metrics.TAG_OP, op).tag(Metrics.TAG_OUTCOME, outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private DistributionSummary bytes(String op, String key) {
        return DistributionSummary.builder(Metrics.STORE_BYTES).description("Object bytes written or read")
                .baseUnit("bytes").tag(Metrics.TAG_OP, op).tag(Metrics.TAG_KIND, kindOf(key)).register(registry);
    }

    /** {@code weights}, {@code features} or {@code other}, from the key's folder ({@code runs/<run>/<folder>/...}). */
    static String kindOf(String key) {
        String[] parts = key == null ? new String[0] : key.split("/");
        if (parts.length >= 3) {
            if (parts[2].equals(ObjectKind.MODEL.folder())) {
                return "weights";
            }
            if (parts[2].equals(ObjectKind.FEATURES.folder())) {
                return "features";
            }
        }
        return "other";
    }
}
