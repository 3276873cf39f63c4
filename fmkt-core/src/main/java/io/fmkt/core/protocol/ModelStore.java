package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.codec.FeatureSnapshotCodec;
import io.fmkt.core.codec.WeightCodec;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.BlobRef;

/**
 * Models and feature snapshots in the object store: immutable, content-addressed, and verified
 * (digest, then codec header and body digest) on every read.
 */
public final class ModelStore {
    private final ObjectStore store;

    public ModelStore(ObjectStore store) {
        this.store = store;
    }

    public BlobRef putWeights(String runId, ResNetModel model) {
        return putEncodedWeights(runId, WeightCodec.encode(model));
    }

    /** Weights already encoded ({@link WeightCodec#encode}): the digest and the upload need no model. */
    public BlobRef putEncodedWeights(String runId, byte[] encoded) {
        return BlobRef.of(store.putContent(runId, ObjectKind.MODEL, encoded));
    }

    public BlobRef putFeatures(String runId, FeatureSnapshot snapshot) {
        return putEncodedFeatures(runId, FeatureSnapshotCodec.encode(snapshot));
    }

    public BlobRef putEncodedFeatures(String runId, byte[] encoded) {
        return BlobRef.of(store.putContent(runId, ObjectKind.FEATURES, encoded));
    }

    /** A model with the stored weights; the codec rejects a different architecture or width. */
    public ResNetModel loadModel(BlobRef ref, NDManager manager, int width, int classes) {
        return decodeModel(fetch(ref), manager, width, classes);
    }

    /** An object's bytes, verified against the reference's digest: the I/O half of {@link #loadModel}. */
    public byte[] fetch(BlobRef ref) {
        return store.get(ref.toObjectRef());
    }

    /** The model half of {@link #loadModel}, from bytes {@link #fetch} returned. */
    public ResNetModel decodeModel(byte[] bytes, NDManager manager, int width, int classes) {
        ResNetModel m = ResNetModel.blank(manager, width, classes);
        try {
            WeightCodec.decodeInto(bytes, m);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public FeatureSnapshot loadFeatures(BlobRef ref) {
        return FeatureSnapshotCodec.decode(store.get(ref.toObjectRef()));
    }

    public ObjectStore objects() {
        return store;
    }
}
