package io.fmkt.service.eval;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What eval-service saw of a run beside its rounds, for the run's state ({@link io.fmkt.core.results.RunState}):
 * when the run last logged anything (a record's own timestamp, so a run taken up from an old log is not
 * new), and why it cannot be evaluated further, if it cannot.
 */
final class RunActivity {
    private final AtomicReference<Instant> last;
    private volatile String failure;

    RunActivity(Instant started) {
        last = new AtomicReference<>(started);
    }

    /** A record of the run, by its Kafka timestamp (epoch ms; none: ignored). */
    void saw(long timestampMillis) {
        if (timestampMillis > 0) {
            saw(Instant.ofEpochMilli(timestampMillis));
        }
    }

    void saw(Instant at) {
        last.accumulateAndGet(at, (a, b) -> a.isAfter(b) ? a : b);
    }

    Instant last() {
        return last.get();
    }

    /** The first reason counts: later rounds fail because of it. */
    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    String failure() {
        return failure;
    }
}
