package io.fmkt.core.wire;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The log as the protocol reads it back (replay, resume, a service taking up a run): a run's
 * messages on some topics. fmkt-kafka's {@code LogReader} reads it from Kafka; core never names a broker.
 */
public interface EventLog {

    /** Every message of {@code runId} on {@code topics} logged at or after {@code since} (null: from the start). */
    List<WireMessage> read(String runId, Collection<String> topics, Instant since);
}
