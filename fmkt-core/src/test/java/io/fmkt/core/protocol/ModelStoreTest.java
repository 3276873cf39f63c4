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
import org.junit.jupiter.api.Test;

/** A model's weights are uploaded while its snapshot is taken; what is stored, and failures, are as before. */
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
    void aFailedUploadIsThrownAsRaisedAndTheOtherIsAwaited() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        ModelStore store = new ModelStore(new ObjectStore() {
            @Override
            public ObjectRef put(String key, byte[] bytes) {
                if (key.contains("/" + ObjectKind.MODEL.folder() + "/")) {
                    throw new ObjectTooLargeException(key, bytes.length, 1);
                }
                return objects.put(key, bytes);
            }

            @Override
            public byte[] get(ObjectRef ref) {
                return objects.get(ref);
            }

            @Override
            public boolean exists(String key) {
                return objects.exists(key);
            }
        });
        assertThatThrownBy(() -> store.putEncodedModel("run-store", new byte[] {1, 2}, new byte[] {3}))
                .isInstanceOf(ObjectTooLargeException.class);
        assertThat(objects.objects).hasSize(1); // the features' upload ran to its end
    }
}
