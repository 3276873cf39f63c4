package io.fmkt.service.common;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread that runs model computations and protocol state changes in this service. DJL's
 * PyTorch engine allows one autograd session per process, and a serial order makes a service's
 * state a function of the messages it saw: handlers of every channel hand their work here.
 */
@ApplicationScoped
public class DjlWorker {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmkt-djl");
        t.setDaemon(true);
        return t;
    });

    public <T> T call(Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Queues work without waiting for it: for long work (an evaluation) whose outcome the caller's
     * message does not depend on, so the channel acknowledges at once instead of holding the record
     * past the connector's unprocessed-record age. A failure is logged, not thrown.
     */
    public void submit(String what, Runnable work) {
        thread.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                org.jboss.logging.Logger.getLogger(DjlWorker.class).errorf(e, "%s failed", what);
            }
        });
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
