package io.fmkt.service.common;

import io.fmkt.core.data.DataRoot;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs this instance knows of, from the compacted fmkt.runs topic, and each run's data (shards,
 * test set, probe), derived from the config alone so every service computes the same.
 */
@ApplicationScoped
public class Runs {
    /** How long a message may wait for its run's RunStarted (another topic, so it can arrive later). */
    public static final Duration UNKNOWN_RUN_GRACE = Duration.ofSeconds(30);
    private static final int DATA_CACHE = 2;

    @Inject
    Admission admission;

    private final Map<String, RunStarted> runs = new ConcurrentHashMap<>();
    /**
     * Runs refused at admission, with why: their events are refused for the same reason, at once. The
     * most recent {@value #REFUSED_KEPT} only (guarded by this), so a flood of bad runs cannot grow it;
     * an older one's events wait and are refused as of an unknown run.
     */
    private static final int REFUSED_KEPT = 1024;
    private final Map<String, WireException> refused = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WireException> e) {
            return size() > REFUSED_KEPT;
        }
    };
    private final Map<String, ExperimentData> data = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExperimentData> e) {
            return size() > DATA_CACHE;
        }
    };

    /** @return true if the run is new to this instance */
    public boolean register(RunStarted run) {
        synchronized (this) {
            boolean added = runs.putIfAbsent(run.runId(), run) == null;
            notifyAll();
            return added;
        }
    }

    /** Unknown again: a take-up that failed is retried when the run's next event arrives. */
    public void forget(String runId) {
        runs.remove(runId);
    }

    /** Records that {@code runId} was refused (e.g. NUMERICS_MISMATCH), so its events are refused too. */
    public synchronized void refuse(String runId, WireException why) {
        refused.put(runId, why);
        notifyAll();
    }

    public Collection<RunStarted> all() {
        return runs.values();
    }

    public RunStarted find(String runId) {
        return runs.get(runId);
    }

    /**
     * The run's start, waiting briefly for it; an unknown run is a dead letter (INVALID_VALUE), and a
     * refused run's event one with the run's refusal reason.
     */
    public RunStarted await(String runId) {
        long deadline = System.nanoTime() + UNKNOWN_RUN_GRACE.toNanos();
        synchronized (this) {
            RunStarted r;
            while ((r = runs.get(runId)) == null) {
                WireException why = refused.get(runId);
                if (why != null) {
                    throw new WireException(why.reason(), "runId", "run " + runId + " was refused: " + why.getMessage());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw WireException.invalid("runId", "unknown run '" + runId + "': no RunStarted on fmkt.runs");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for run " + runId, e);
                }
            }
            return r;
        }
    }

    /**
     * Starts loading the run's data on another thread when the run is learnt, so that its first step
     * (on the DJL thread, with the run's clock running) finds it ready; a failure is left to that step,
     * which meets it again and reports it.
     */
    public void prepare(RunStarted run) {
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                data(run);
            } catch (RuntimeException reportedByTheStep) {
                // the step that needs the data raises it again
            }
        });
    }

    /**
     * The run's data, loaded on first use: synthetic, or CIFAR-10 by name from this service's data root,
     * verified against the run's digest.
     */
    public synchronized ExperimentData data(RunStarted run) {
        return data.computeIfAbsent(run.runId(), id -> {
            try {
                return ExperimentData.load(run.config(), admission.dataRoot());
            } catch (DataRoot.RefusedException e) {
                throw Admission.refusal(id, e);
            } catch (IOException e) {
                throw new UncheckedIOException("run " + id + ": cannot read data " + run.config().data().name(), e);
            }
        });
    }
}
