package io.fmkt.core.simulator;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.train.Evaluator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Scores models on a thread of its own while the simulator's next round trains, as the eval-service
 * scores beside the clients. Each score is of a copy of the model's values at the time it was asked
 * for, so the round that follows may change the model meanwhile. The same kernels, thread count and
 * batches as scoring in line: the same bits (SimulatorTest). At most {@code maxCopies} copies wait or
 * run at once, so memory stays bounded whatever the number of clients.
 */
final class BackgroundScoring implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmkt-scoring");
        t.setDaemon(true);
        return t;
    });
    private final ImageSet test;
    private final Semaphore copies;

    BackgroundScoring(ImageSet test, int maxCopies) {
        this.test = test;
        this.copies = new Semaphore(maxCopies);
    }

    /** The accuracy (percent) of {@code model} as it is now; waits while {@code maxCopies} earlier scores are unfinished. */
    Future<Double> submit(ResNetModel model) {
        copies.acquireUninterruptibly();
        float[][] values;
        try {
            values = model.values();
        } catch (RuntimeException e) {
            copies.release();
            throw e;
        }
        int width = model.width();
        int classes = model.classes();
        return thread.submit(() -> {
            try (NDManager m = NDManager.newBaseManager(); ResNetModel copy = ResNetModel.blank(m, width, classes)) {
                copy.setValues(values);
                return Evaluator.evaluate(copy, test, Evaluator.DEFAULT_BATCH).percent();
            } finally {
                copies.release();
            }
        });
    }

    /** The result of work on another thread, its failure thrown here. */
    static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + f, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
