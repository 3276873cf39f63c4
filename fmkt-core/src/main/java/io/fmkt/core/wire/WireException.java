package io.fmkt.core.wire;

/**
 * A message that cannot be accepted: it does not decode, or it would violate an invariant of a wire
 * record. One exception type for every wire problem, so a consumer needs one catch to route a bad
 * message to {@link Topics#DLQ}; {@link #reason()} says why in a form a program can branch on, and
 * the message says it in words. It is an {@link IllegalArgumentException} because building an
 * invalid record in code is the same mistake as receiving one.
 */
public class WireException extends IllegalArgumentException {

    /** Why a message was refused; {@link DeadLetter#reason()} carries its name. */
    public enum Reason {
        /** Not JSON, not UTF-8, not one JSON object, trailing garbage, duplicate keys, or empty. */
        MALFORMED_JSON,
        /** The {@code type} is not one this build knows, or not the one the caller expected. */
        UNKNOWN_TYPE,
        /** The {@code schema} version is not {@link WireMessage#SCHEMA_VERSION}. */
        UNSUPPORTED_SCHEMA,
        /** A required field is absent or null. */
        MISSING_FIELD,
        /** A field is present but wrong: bad type, unknown enum value, out of range, bad id. */
        INVALID_VALUE,
        /** The payload is larger than the codec's limit. */
        OVERSIZED,
        /**
         * A referenced object is missing, does not match its digest, or holds another architecture:
         * the message cannot be verified, so it is not acted on.
         */
        UNVERIFIABLE_OBJECT,
        /**
         * The run asks for numerics (native or portable) other than the ones the consuming process's
         * engine was started with: it could not compute the run's numbers.
         */
        NUMERICS_MISMATCH,
        /**
         * The consuming process's convolution kernels gave wrong answers on the run's shapes (its kernel
         * check failed): it must not compute the run's numbers.
         */
        KERNEL_CHECK_FAILED,
        /** The run asks for more than a configured limit allows (clients, width, memory, ...). */
        LIMIT_EXCEEDED,
        /** The run's data is not a plain dataset name (a path, {@code ..}, separators): never read. */
        DATA_REFUSED,
        /** The run's dataset name is not in this service's data root (or it has none). */
        DATA_UNKNOWN,
        /** The dataset under the run's name does not have the run's digest (or the run gives none). */
        DATA_DIGEST_MISMATCH
    }

    private final Reason reason;
    private final String field;
    private final String detail;

    /**
     * @param field  the offending field as a dotted path ({@code weights.sha256}), or null when the
     *               problem is not one field's
     * @param detail what is wrong, in words
     */
    public WireException(Reason reason, String field, String detail) {
        super(format(reason, field, detail));
        this.reason = reason;
        this.field = field;
        this.detail = detail;
    }

    private static String format(Reason reason, String field, String detail) {
        if (reason == Reason.INVALID_VALUE && field != null) {
            return "invalid " + field + ": " + detail;
        }
        return detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The dotted path of the offending field, or null. */
    public String field() {
        return field;
    }

    public static WireException invalid(String field, String detail) {
        return new WireException(Reason.INVALID_VALUE, field, detail);
    }

    static WireException missing(String field, String where) {
        return new WireException(Reason.MISSING_FIELD, field, "missing required field '" + field + "' in " + where);
    }

    /** The same problem seen from an enclosing object: {@code sha256} inside {@code weights}. */
    WireException under(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        String path = field == null ? prefix : prefix + "." + field;
        WireException e = reason == Reason.MISSING_FIELD
                ? new WireException(reason, path, detail.replace("'" + field + "'", "'" + path + "'"))
                : new WireException(reason, path, detail);
        e.initCause(this);
        return e;
    }
}
