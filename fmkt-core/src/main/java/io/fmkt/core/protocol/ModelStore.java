package io.fmkt.core.protocol;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.Digests;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.codec.FeatureSnapshotCodec;
import io.fmkt.core.codec.WeightCodec;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.store.ObjectKeys;
import io.fmkt.core.store.ObjectKind;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.WireMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Models and feature snapshots in the object store: immutable, content-addressed, and verified
 * (digest, then codec header and body digest) on every read.
 *
 * <p>A store made by {@link #writeBehind} returns from {@link #putModel} once the model's objects
 * are encoded and addressed, and uploads them behind the caller's next work: a client trains its
 * next model while the last one goes up. Its reads see its own pending objects, and a message that
 * names objects may be published only once {@link #whenNamedStored} says they are up.
 */
public final class ModelStore {
    /**
     * Where objects go up and come down beside the caller's work (a model's weights while its feature
     * snapshot is made, uploads behind, a pair's second model): a few daemon threads, shared by the
     * process; when all are busy the caller does the I/O itself.
     */
    private static final Executor IO = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> {
                Thread t = new Thread(r, "fmkt-io");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
    /** The most bytes a write-behind store holds for uploads under way; more waits for them. */
    public static final long MAX_PENDING_BYTES = 256L << 20;
    private final ObjectStore store;
    private final Semaphore pendingKiB; // null: every put returns once uploaded
    // Key -> bytes of an upload under way or failed (read your own writes, until stored again), and
    // its upload: a failed one stays, so that a message naming the object never goes out.
    private final Map<String, byte[]> pendingBytes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> uploads = new ConcurrentHashMap<>();

    /** A model's two objects. */
    public record Stored(BlobRef weights, BlobRef features) {
    }

    public ModelStore(ObjectStore store) {
        this(store, null);
    }

    private ModelStore(ObjectStore store, Semaphore pendingKiB) {
        this.store = store;
        this.pendingKiB = pendingKiB;
    }

    /** A store whose {@link #putModel} uploads behind the caller, up to {@link #MAX_PENDING_BYTES} at a time. */
    public static ModelStore writeBehind(ObjectStore store) {
        return new ModelStore(store, new Semaphore(kib(MAX_PENDING_BYTES)));
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
     * this returns; a failure of either is thrown as it was raised. A {@link #writeBehind} store returns
     * once both are addressed and their uploads started ({@link #whenNamedStored}).
     */
    public Stored putModel(String runId, ResNetModel model, Supplier<FeatureSnapshot> snapshot) {
        byte[] weights = WeightCodec.encode(model);
        if (pendingKiB != null) {
            BlobRef w = putBehind(runId, ObjectKind.MODEL, weights);
            return new Stored(w, putBehind(runId, ObjectKind.FEATURES, FeatureSnapshotCodec.encode(snapshot.get())));
        }
        return beside(() -> putEncodedWeights(runId, weights), () -> putFeatures(runId, snapshot.get()), Stored::new);
    }

    /**
     * {@code there} on an I/O thread while {@code here} runs on the caller's; both are done when this
     * returns (none left running behind a failure), and a failure of either is thrown as it was raised.
     */
    private static <A, B, R> R beside(Supplier<A> there, Supplier<B> here, java.util.function.BiFunction<A, B, R> both) {
        CompletableFuture<A> a = CompletableFuture.supplyAsync(there, IO);
        B b;
        try {
            b = here.get();
        } catch (RuntimeException | Error e) {
            a.handle((r, x) -> null).join();
            throw e;
        }
        try {
            return both.apply(a.join(), b);
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
        byte[] own = pendingBytes.get(ref.key());
        return own != null ? own : store.get(ref.toObjectRef());
    }

    /** Two objects fetched at once (the first on an I/O thread), each as {@link #fetch}. */
    public byte[][] fetchBoth(BlobRef first, BlobRef second) {
        return beside(() -> fetch(first), () -> fetch(second), (a, b) -> new byte[][] {a, b});
    }

    /**
     * The object addressed now and uploaded behind: back-pressure first (the caller waits while
     * {@link #MAX_PENDING_BYTES} are on their way), then the upload on the upload threads.
     */
    private BlobRef putBehind(String runId, ObjectKind kind, byte[] bytes) {
        String sha = Digests.sha256Hex(bytes);
        String key = ObjectKeys.key(runId, kind, sha);
        BlobRef ref = BlobRef.of(new ObjectRef(key, sha, bytes.length));
        CompletableFuture<Void> earlier = uploads.get(key);
        if (earlier != null && !earlier.isCompletedExceptionally()) {
            return ref; // the same content is on its way already
        }
        int permits = Math.min(kib(bytes.length), kib(MAX_PENDING_BYTES));
        pendingKiB.acquireUninterruptibly(permits);
        pendingBytes.put(key, bytes);
        CompletableFuture<Void> up = new CompletableFuture<>();
        uploads.put(key, up);
        CompletableFuture.runAsync(() -> store.put(key, bytes), IO).whenComplete((ok, failure) -> {
            if (failure == null) {
                uploads.remove(key, up);
                pendingBytes.remove(key, bytes);
                up.complete(null);
            } else {
                up.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
            pendingKiB.release(permits);
        });
        return ref;
    }

    /**
     * Completes once every object that {@code messages} name (models, snapshots, a pair's two models)
     * and this store uploads behind is stored (at once for the others), exceptionally with the first
     * upload's failure. A failed object stays readable here until a later put of the same content
     * stores it.
     */
    public CompletableFuture<Void> whenNamedStored(Collection<? extends WireMessage> messages) {
        List<BlobRef> named = new ArrayList<>();
        for (WireMessage m : messages) {
            if (m instanceof ModelPublished p) {
                named.add(p.weights());
                named.add(p.features());
            } else if (m instanceof FusionRequested r) {
                named.add(r.received());
                named.add(r.own());
            } else if (m instanceof FusionCompleted f) {
                named.add(f.fused());
                named.add(f.features());
            }
        }
        return CompletableFuture.allOf(named.stream().filter(java.util.Objects::nonNull).map(r -> uploads.get(r.key()))
                .filter(java.util.Objects::nonNull).toArray(CompletableFuture[]::new));
    }

    private static int kib(long bytes) {
        return (int) Math.max(1, (bytes + 1023) >> 10);
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
