package io.fmkt.core.train;

import io.fmkt.core.data.Augmentation;
import io.fmkt.core.data.Batch;
import io.fmkt.core.data.BatchAssembler;
import io.fmkt.core.data.ImageSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The batches of a loop, assembled (augmented, normalised) on another thread while the step before
 * computes: the input pipeline off the compute thread. One producer assembles them in the loop's
 * order and draws from the loop's stream exactly as the loop itself would, so the batches are the
 * same bits; nobody else may use the stream until the last batch was taken or the prefetch closed.
 * At most {@value #AHEAD} batches wait, so memory stays a few batches.
 */
final class BatchPrefetch implements AutoCloseable {
    static final int AHEAD = 2;
    private static final ExecutorService PRODUCERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fmkt-batches");
        t.setDaemon(true);
        return t;
    });

    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(AHEAD);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lock = new Object();
    private boolean closed; // guarded by lock
    private Thread producer; // guarded by lock: set while the producer runs
    private final int count;
    private int taken;

    /**
     * @param augmentation null for none (evaluation); else drawn from {@code rng}, image by image in order
     */
    BatchPrefetch(ImageSet data, List<int[]> batches, Augmentation augmentation, SplittableRandom rng) {
        count = batches.size();
        PRODUCERS.execute(() -> {
            synchronized (lock) {
                if (closed) {
                    stopped.countDown();
                    return;
                }
                producer = Thread.currentThread();
            }
            try {
                for (int[] idx : batches) {
                    ready.put(BatchAssembler.assemble(data, idx, augmentation, rng));
                }
            } catch (InterruptedException e) {
                // closed early: nobody takes the rest
            } catch (RuntimeException | Error e) {
                try {
                    ready.put(e); // the consumer takes every batch before the failed one, then this
                } catch (InterruptedException closedMeanwhile) {
                    // nobody takes it
                }
            } finally {
                synchronized (lock) {
                    producer = null;
                    Thread.interrupted(); // a pooled thread starts its next task clean
                }
                stopped.countDown();
            }
        });
    }

    /** The next batch, in order; a failure to assemble it is thrown here, on the loop's thread. */
    Batch next() {
        if (taken == count) {
            throw new NoSuchElementException("all " + count + " batches taken");
        }
        Object o;
        try {
            o = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a batch", e);
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        taken++;
        return (Batch) o;
    }

    /** Stops the producer and waits until it has: after this returns it no longer draws from the stream. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (producer != null) {
                producer.interrupt();
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the stream must be free before this returns
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
