package io.fmkt.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.store.ObjectTooLargeException;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.store.ObjectNotFoundException;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.ModelPublished;
import org.junit.jupiter.api.Test;

/**
 * A model's weights are uploaded while its snapshot is taken; what is stored, and failures, are as
 * before. A write-behind store returns first, reads its own pending objects, and says when they are up.
 */
class ModelStoreTest {
    private final ExperimentConfig config = SimulatorTest.tiny(1, 0.05, "3");

    @Test
    void putModelStoresBothObjectsAsTheSequentialPutsDid() throws Exception {
        ExperimentData data = ExperimentData.load(config);
        InMemoryObjectStore objects = new InMemoryObjectStore();
        ModelStore store = new ModelStore(objects);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, config.width(), 10, 7)) {
            ModelStore.Stored s = store.putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe()));
            assertThat(s.weights()).isEqualTo(store.putWeights("run-store", model));
            assertThat(s.features()).isEqualTo(store.putFeatures("run-store", FeatureSnapshot.capture(model, data.probe())));
            assertThat(objects.objects).hasSize(2);
            try (ResNetModel back = store.loadModel(s.weights(), m, config.width(), 10)) {
                assertThat(back.values()).isDeepEqualTo(model.values());
            }
        }
    }

    @Test
    void aFailedUploadIsThrownAsRaisedAndTheOtherIsAwaited() throws Exception {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        ModelStore store = new ModelStore(putting(objects, (key, bytes) -> {
            if (key.contains("/" + ObjectKind.MODEL.folder() + "/")) {
                throw new ObjectTooLargeException(key, bytes.length, 1);
            }
            return objects.put(key, bytes);
        }));
        ExperimentData data = ExperimentData.load(config);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, config.width(), 10, 7)) {
            assertThatThrownBy(() -> store.putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe())))
                    .isInstanceOf(ObjectTooLargeException.class);
        }
        assertThat(objects.objects).hasSize(1); // the features' upload ran to its end
    }

    @Test
    void writeBehindReturnsBeforeTheUploadReadsItsOwnPendingObjectsAndSaysWhenTheyAreUp() throws Exception {
        ExperimentData data = ExperimentData.load(config);
        InMemoryObjectStore objects = new InMemoryObjectStore();
        java.util.concurrent.CountDownLatch s3 = new java.util.concurrent.CountDownLatch(1);
        ModelStore behind = ModelStore.writeBehind(putting(objects, (key, bytes) -> {
            try {
                s3.await(); // a slow store: nothing is up until the test lets it
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return objects.put(key, bytes);
        }));
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, config.width(), 10, 7)) {
            ModelStore.Stored s = behind.putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe()));
            ModelStore.Stored same = new ModelStore(new InMemoryObjectStore())
                    .putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe()));
            assertThat(s).isEqualTo(same); // the same addresses as a store that waits
            ModelPublished announced = ModelPublished.initial("run-store", 0, s.weights(), s.features(), config.width(), 10);
            java.util.concurrent.CompletableFuture<Void> up = behind.whenNamedStored(java.util.List.of(announced));
            assertThat(objects.objects).isEmpty();
            assertThat(up).isNotDone();
            try (ResNetModel back = behind.loadModel(s.weights(), m, config.width(), 10)) { // before it is up
                assertThat(back.values()).isDeepEqualTo(model.values());
            }
            s3.countDown();
            up.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(objects.objects).hasSize(2);
            assertThat(objects.get(s.weights().toObjectRef())).isEqualTo(behind.fetch(s.weights()));
        }
    }

    @Test
    void aFailedUploadBehindFailsWhatNamesItYetStaysReadableHere() throws Exception {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        ModelStore behind = ModelStore.writeBehind(putting(objects, (key, bytes) -> {
            throw new ObjectTooLargeException(key, bytes.length, 1);
        }));
        ExperimentData data = ExperimentData.load(config);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, config.width(), 10, 7)) {
            ModelStore.Stored s = behind.putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe()));
            ModelPublished announced = ModelPublished.initial("run-store", 0, s.weights(), s.features(), config.width(), 10);
            assertThatThrownBy(() -> behind.whenNamedStored(java.util.List.of(announced)).join())
                    .hasCauseInstanceOf(ObjectTooLargeException.class);
            assertThat(objects.objects).isEmpty();
            assertThat(behind.fetch(s.weights())).as("still readable here, for the work that goes on until the retry")
                    .isEqualTo(store(new InMemoryObjectStore(), model, data, s));
            assertThat(behind.whenNamedStored(java.util.List.of())).isDone(); // nothing named: nothing to wait for
        }
    }

    @Test
    void fetchBothGivesEachObjectInItsPlaceAndAMissingOneAsItsOwnError() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        ModelStore store = new ModelStore(objects);
        BlobRef a = store.putEncodedWeights("run-store", new byte[] {1, 2, 3});
        BlobRef b = store.putEncodedWeights("run-store", new byte[] {4, 5});
        byte[][] both = store.fetchBoth(a, b);
        assertThat(both[0]).containsExactly(1, 2, 3);
        assertThat(both[1]).containsExactly(4, 5);
        BlobRef missing = BlobRef.of(new ObjectRef(a.key().replace(a.sha256(), "0".repeat(64)), "0".repeat(64), 3));
        assertThatThrownBy(() -> store.fetchBoth(missing, b)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.fetchBoth(a, missing)).isInstanceOf(ObjectNotFoundException.class);
    }

    /** The bytes a store that waits uploads for {@code model}'s weights (and checks it addresses them as {@code s}). */
    private static byte[] store(InMemoryObjectStore objects, ResNetModel model, ExperimentData data, ModelStore.Stored s) {
        ModelStore.Stored again = new ModelStore(objects).putModel("run-store", model, () -> FeatureSnapshot.capture(model, data.probe()));
        assertThat(again).isEqualTo(s);
        return objects.get(again.weights().toObjectRef());
    }

    /** {@code objects}, with every put made by {@code put} instead (a failing or a slow store). */
    private static ObjectStore putting(InMemoryObjectStore objects, java.util.function.BiFunction<String, byte[], ObjectRef> put) {
        return new ObjectStore() {
            @Override
            public ObjectRef put(String key, byte[] bytes) {
                return put.apply(key, bytes);
            }

            @Override
            public byte[] get(ObjectRef ref) {
                return objects.get(ref);
            }

            @Override
            public boolean exists(String key) {
                return objects.exists(key);
            }
        };
    }
}
