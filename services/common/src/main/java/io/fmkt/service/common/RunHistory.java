package io.fmkt.service.common;

import io.fmkt.kafka.LogReader;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A run read back from the log: the events a service needs whenever it takes a run up (new, or lost
 * in a crash, restart or new pod), and a replay's input. Reads with a group-less consumer, so the
 * live channels' offsets are untouched.
 */
@ApplicationScoped
public class RunHistory {
    /** Producers' clocks may run behind the clock that stamped RunStarted (another machine). */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);

    /**
     * The services' one Kafka configuration (every {@code kafka.*} key, env included: bootstrap,
     * SASL, TLS), so this reader connects and authenticates exactly like the channels.
     */
    @jakarta.inject.Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    java.util.Map<String, Object> kafkaConfig;

    @jakarta.inject.Inject
    Admission admission;

    private LogReader reader; // one, kept open: a take-up's read costs round trips, not a new connection

    private java.util.Map<String, Object> kafka() {
        java.util.Map<String, Object> c = new java.util.HashMap<>(kafkaConfig);
        c.putIfAbsent("bootstrap.servers", "localhost:9092");
        return c;
    }

    /**
     * Reads with the service's one reader (made on first use, and again after a read failed, so a
     * broken connection is not kept); reads take turns, as a consumer serves one thread.
     */
    private synchronized <T> T read(java.util.function.Function<LogReader, T> read) {
        if (reader == null) {
            reader = new LogReader(kafka());
        }
        try {
            return read.apply(reader);
        } catch (RuntimeException e) {
            reader.close();
            reader = null;
            throw e;
        }
    }

    @jakarta.annotation.PreDestroy
    synchronized void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    /**
     * The run's RunStarted from the compacted runs topic, or null: how a restarted instance takes up
     * a run whose RunStarted it had already consumed before it lost its state.
     */
    public RunStarted runStarted(String runId) {
        return read(r -> r.read(runId, List.of(io.fmkt.core.wire.Topics.RUNS), null).stream()
                .filter(m -> m instanceof RunStarted).map(m -> (RunStarted) m).findFirst().orElse(null));
    }

    /**
     * For an event of a run this instance does not know (it was restarted after consuming the run's
     * RunStarted): hands the run's RunStarted from the log to {@code takeUp}, so the run continues
     * here instead of its events being dead-lettered as of an unknown run.
     */
    public void takeUpIfLost(String runId, Runs runs, java.util.function.Consumer<RunStarted> takeUp) {
        if (runs.find(runId) == null && io.fmkt.core.wire.RunIds.isValid(runId)) {
            RunStarted lost = runStarted(runId);
            if (lost != null) {
                try {
                    admission.admit(lost);
                } catch (io.fmkt.core.wire.WireException refused) {
                    runs.refuse(runId, refused); // the event waiting for it is dead-lettered with this reason
                    return;
                }
                takeUp.accept(lost);
            }
        }
    }

    /** What the log holds about {@code runId}: its RunStarted, and its events from {@code since} (null: the start). */
    public io.fmkt.core.protocol.Replay.Log log(String runId, Instant since) {
        try (LogReader own = new LogReader(kafka())) { // a whole run: long, so not in the take-ups' way
            return io.fmkt.core.protocol.Replay.Log.read(own, runId, since);
        }
    }

    /**
     * The run's round messages on {@code topics}, in log order per partition. Services read this
     * whenever they take up a run, new or not: a RunStarted redelivered after a crash (its offset was
     * not committed yet) then finds the run's past in the log as well.
     */
    public List<RoundMessage> events(RunStarted run, Collection<String> topics) {
        Instant since = Instant.parse(run.createdAt()).minus(CLOCK_SKEW);
        List<WireMessage> all = read(r -> r.read(run.runId(), topics, since));
        return all.stream().filter(m -> m instanceof RoundMessage).map(m -> (RoundMessage) m).toList();
    }
}
