package io.fmkt.service.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.store.ObjectKeys;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MeteredObjectStoreTest {

    /** In memory; no digest checks (not what is under test). */
    static final class MemoryStore implements ObjectStore, AutoCloseable {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public ObjectRef put(String key, byte[] bytes) {
            objects.put(key, bytes.clone());
            return new ObjectRef(key, "0".repeat(64), bytes.length);
        }

        @Override
        public byte[] get(ObjectRef ref) {
            byte[] b = objects.get(ref.key());
            if (b == null) {
                throw new ObjectNotFoundException(ref.key(), "mem");
            }
            return b.clone();
        }

        @Override
        public boolean exists(String key) {
            return objects.containsKey(key);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MemoryStore memory = new MemoryStore();
    final MeteredObjectStore store = new MeteredObjectStore(memory, registry);

    DistributionSummary bytes(String op, String kind) {
        return registry.find(Metrics.STORE_BYTES).tags(Metrics.TAG_OP, op, Metrics.TAG_KIND, kind).summary();
    }

    Timer latency(String op, String outcome) {
        return registry.find(Metrics.STORE_LATENCY).tags(Metrics.TAG_OP, op, Metrics.TAG_OUTCOME, outcome).timer();
    }

    @Test
    void countsBytesPerOperationAndKindAndTimesEveryCall() {
        byte[] weights = new byte[1000];
        byte[] features = new byte[300];
        ObjectRef w = store.putContent("run-1", ObjectKind.MODEL, weights);
        store.putContent("run-1", ObjectKind.FEATURES, features);
        assertThat(store.get(w)).hasSize(1000);
        assertThat(store.get(w)).hasSize(1000);
        assertThat(store.exists(w.key())).isTrue();

        assertThat(bytes("put", "weights").totalAmount()).isEqualTo(1000);
        assertThat(bytes("put", "weights").count()).isEqualTo(1);
        assertThat(bytes("put", "features").totalAmount()).isEqualTo(300);
        assertThat(bytes("get", "weights").totalAmount()).isEqualTo(2000);
        assertThat(bytes("get", "weights").count()).isEqualTo(2);
        assertThat(bytes("get", "features")).isNull();
        assertThat(latency("put", "ok").count()).isEqualTo(2);
        assertThat(latency("get", "ok").count()).isEqualTo(2);
        assertThat(latency("exists", "ok").count()).isEqualTo(1);
        assertThat(memory.objects).containsKey(ObjectKeys.forContent("run-1", ObjectKind.MODEL, weights));
    }

    @Test
    void aFailedCallIsTimedAsAnErrorAndMovesNoBytes() {
        ObjectRef missing = new ObjectRef("runs/run-1/models/" + "a".repeat(64) + ".fmktw", "a".repeat(64), 10);
        assertThatThrownBy(() -> store.get(missing)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(latency("get", "error").count()).isEqualTo(1);
        assertThat(latency("get", "ok")).isNull();
        assertThat(bytes("get", "weights")).isNull();
    }

    @Test
    void closeReachesTheWrappedStore() throws Exception {
        store.close();
        assertThat(memory.closed).isTrue();
    }

    @Test
    void kindComesFromTheKeysFolder() {
        assertThat(MeteredObjectStore.kindOf("runs/r/models/abc.fmktw")).isEqualTo("weights");
        assertThat(MeteredObjectStore.kindOf("runs/r/features/abc.fmktf")).isEqualTo("features");
        assertThat(MeteredObjectStore.kindOf("other/thing")).isEqualTo("other");
        assertThat(MeteredObjectStore.kindOf(null)).isEqualTo("other");
    }
}
