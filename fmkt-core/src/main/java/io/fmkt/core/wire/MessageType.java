package io.fmkt.core.wire;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code type} discriminator: the name each message has on the wire (in the JSON and in the
 * {@link Topics#HEADER_TYPE} header) and the record it decodes to. Wire names are stable strings,
 * not Java class names, so a class can be renamed without breaking the log.
 */
public enum MessageType {
    RUN_STARTED("run-started", RunStarted.class),
    RUN_RESUMED("run-resumed", RunResumed.class),
    MODEL_PUBLISHED("model-published", ModelPublished.class),
    FUSION_REQUESTED("fusion-requested", FusionRequested.class),
    FUSION_COMPLETED("fusion-completed", FusionCompleted.class),
    PAIR_SKIPPED("pair-skipped", PairSkipped.class),
    ROUND_EVALUATED("round-evaluated", RoundEvaluated.class),
    DEAD_LETTER("dead-letter", DeadLetter.class);

    private final String wireName;
    private final Class<? extends WireMessage> recordClass;

    MessageType(String wireName, Class<? extends WireMessage> recordClass) {
        this.wireName = wireName;
        this.recordClass = recordClass;
    }

    public String wireName() {
        return wireName;
    }

    public Class<? extends WireMessage> recordClass() {
        return recordClass;
    }

    /** The type with this wire name, or null. */
    public static MessageType ofWireName(String name) {
        for (MessageType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type whose record is {@code cls}; throws if {@code cls} is not a message record. */
    public static MessageType of(Class<? extends WireMessage> cls) {
        for (MessageType t : values()) {
            if (t.recordClass == cls) {
                return t;
            }
        }
        throw new IllegalArgumentException(cls.getName() + " is not a wire message record");
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(MessageType::wireName).toList();
    }
}
