package io.fmkt.core.wire;

/**
 * A control message on one of the {@link Topics}. Every message is a record that names its run;
 * {@link WireCodec} adds the {@code schema} and {@code type} fields on the wire, so records carry
 * only their content and cannot disagree with their own class.
 *
 * <p>Schema evolution: {@link #SCHEMA_VERSION} changes only when an existing field changes meaning
 * or a new required field appears. Adding a nullable field does not change it: readers ignore fields
 * they do not know. Records compare arrays by reference (as all Java records do); compare messages
 * by their encoded bytes.
 */
public sealed interface WireMessage
        permits RunStarted, RunResumed, DeadLetter, RoundMessage {

    /** The only schema version this build writes and reads. */
    int SCHEMA_VERSION = 1;

    /** The run this message belongs to; null only for a {@link DeadLetter} whose run is unknown. */
    String runId();

    MessageType type();

    default int schema() {
        return SCHEMA_VERSION;
    }
}
