package io.fmkt.core.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A message some consumer refused, parked on {@link Topics#DLQ} with where it came from and why, so
 * a bad message is neither retried forever nor silently dropped. The original payload is kept as
 * text, truncated to {@link #MAX_PAYLOAD_CHARS} so that a dead letter for an oversized message is
 * itself small; {@code partition}/{@code offset} find the full original while the topic retains it.
 *
 * @param runId          the original's run, when its key names a valid one; else null
 * @param key            the original's Kafka key (truncated to {@link #MAX_KEY_CHARS}), or null
 * @param reason         a code to filter on: a {@link WireException.Reason} name for decode failures,
 *                       or a consumer's own (e.g. {@code DIGEST_MISMATCH})
 * @param detail         the human-readable explanation, or null
 * @param payload        the original bytes as UTF-8 text (invalid bytes become U+FFFD), truncated; null for a
 *                       tombstone
 * @param payloadBytes   the original payload's full length in bytes
 * @param payloadTruncated whether {@code payload} is shorter than the original
 * @param at             ISO-8601 instant the message was refused
 */
public record DeadLetter(@Nullable String runId, String originalTopic, int partition, long offset,
        @Nullable String key, String reason, @Nullable String detail, @Nullable String payload, long payloadBytes,
        boolean payloadTruncated, String at) implements WireMessage {

    /** Payload text kept, in chars: enough to read any legitimate message, far below the 1 MB limit. */
    public static final int MAX_PAYLOAD_CHARS = 16 * 1024;
    public static final int MAX_KEY_CHARS = 1024;
    public static final int MAX_DETAIL_CHARS = 4096;

    public DeadLetter {
        if (runId != null) {
            RunIds.validate(runId);
        }
        Checks.nonBlank("originalTopic", originalTopic);
        Checks.atLeast("partition", partition, 0);
        Checks.atLeast("offset", offset, 0L);
        Checks.nonBlank("reason", reason);
        if (reason.length() > 128) {
            throw WireException.invalid("reason", "a code of at most 128 characters, got " + reason.length());
        }
        maxLength("key", key, MAX_KEY_CHARS);
        maxLength("detail", detail, MAX_DETAIL_CHARS);
        maxLength("payload", payload, MAX_PAYLOAD_CHARS);
        Checks.atLeast("payloadBytes", payloadBytes, 0L);
        Checks.instant("at", at);
    }

    /**
     * A dead letter for the raw record at {@code originalTopic}/{@code partition}@{@code offset}.
     * Truncates what is too long and takes the run id from the key when the key names one.
     */
    public static DeadLetter of(String originalTopic, int partition, long offset, String key, byte[] raw,
            String reason, String detail, Instant at) {
        String text = raw == null ? null : new String(raw, StandardCharsets.UTF_8);
        String runId = Topics.runIdOfKey(key);
        return new DeadLetter(RunIds.isValid(runId) ? runId : null, originalTopic, partition, offset,
                truncate(key, MAX_KEY_CHARS), reason, truncate(detail, MAX_DETAIL_CHARS),
                truncate(text, MAX_PAYLOAD_CHARS), raw == null ? 0 : raw.length,
                text != null && text.length() > MAX_PAYLOAD_CHARS, at.toString());
    }

    /** A dead letter for a record that failed to decode: reason is the {@link WireException.Reason} name. */
    public static DeadLetter of(String originalTopic, int partition, long offset, String key, byte[] raw,
            WireException error, Instant at) {
        return of(originalTopic, partition, offset, key, raw, error.reason().name(), error.getMessage(), at);
    }

    private static void maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw WireException.invalid(field, "at most " + max + " characters, got " + value.length());
        }
    }

    /** Cuts to {@code max} chars without splitting a surrogate pair. */
    static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    @Override
    public MessageType type() {
        return MessageType.DEAD_LETTER;
    }
}
