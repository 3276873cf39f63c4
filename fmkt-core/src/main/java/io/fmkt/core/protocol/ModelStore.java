package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.codec.FeatureSnapshotCodec;
import io.fmkt.core.codec.WeightCodec;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.BlobRef;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Models and feature snapshots in the object store: immutable, content-addressed, and verified
 * (digest, then codec header and body digest) on every read.
 */
public final class ModelStore {
    /**
     * Where a model's weights are uploaded while its feature snapshot is made or uploaded: a few
     * daemon threads, shared by the process; when all are busy the caller uploads itself.
     */
    private static final Executor UPLOADS = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> {
                Thread t = new Thread(r, "fmkt-upload");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
    private final ObjectStore store;

    /** A model's two objects. */
    public record Stored(BlobRef weights, BlobRef features) {
    }

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

    /**
     * Stores a model's weights and its feature snapshot: the weights go up while {@code snapshot} is
     * taken and stored on the caller's thread (where the model's DJL work stays). Both are stored when
     * this returns; a failure of either is thrown as it was raised.
     */
    public Stored putModel(String runId, ResNetModel model, Supplier<FeatureSnapshot> snapshot) {
        byte[] weights = WeightCodec.encode(model);
        CompletableFuture<BlobRef> up = CompletableFuture.supplyAsync(() -> putEncodedWeights(runId, weights), UPLOADS);
        return both(up, () -> putFeatures(runId, snapshot.get()));
    }

    /** {@link #putModel} for a model already encoded: both uploads at once. */
    public Stored putEncodedModel(String runId, byte[] weights, byte[] features) {
        CompletableFuture<BlobRef> up = CompletableFuture.supplyAsync(() -> putEncodedWeights(runId, weights), UPLOADS);
        return both(up, () -> putEncodedFeatures(runId, features));
    }

    private static Stored both(CompletableFuture<BlobRef> weights, Supplier<BlobRef> features) {
        BlobRef f;
        try {
            f = features.get();
        } catch (RuntimeException | Error e) {
            weights.handle((r, x) -> null).join(); // no upload left running behind a failure
            throw e;
        }
        try {
            return new Stored(weights.join(), f);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
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
