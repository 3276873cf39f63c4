package io.fmkt.core.wire;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** The invariant checks the wire records share; each failure names its field. */
final class Checks {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Checks() {
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new WireException(WireException.Reason.MISSING_FIELD, field,
                    "required field '" + field + "' is null");
        }
        return value;
    }

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw WireException.invalid(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    static long atLeast(String field, long value, long min) {
        if (value < min) {
            throw WireException.invalid(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    static double finiteNonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw WireException.invalid(field, "must be finite and >= 0, got " + value);
        }
        return value;
    }

    static double percent(String field, double value) {
        if (!(value >= 0 && value <= 100)) {
            throw WireException.invalid(field, "must be a percentage in 0..100, got " + value);
        }
        return value;
    }

    static String nonBlank(String field, String value) {
        required(field, value);
        if (value.isBlank()) {
            throw WireException.invalid(field, "must not be blank");
        }
        return value;
    }

    static String sha256(String field, String value) {
        required(field, value);
        if (!SHA256.matcher(value).matches()) {
            throw WireException.invalid(field, "must be 64 lowercase hex characters (a SHA-256), got '"
                    + abbreviate(value, 80) + "'");
        }
        return value;
    }

    /** An ISO-8601 instant such as {@code 2026-11-26T14:22:33.123Z}, as {@link Instant#toString()} writes it. */
    static String instant(String field, String value) {
        required(field, value);
        try {
            Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw WireException.invalid(field, "must be an ISO-8601 instant like 2026-11-26T14:22:33Z, got '"
                    + abbreviate(value, 80) + "'");
        }
        return value;
    }

    static void distinctClients(int updater, int receiver) {
        atLeast("updater", updater, 0);
        atLeast("receiver", receiver, 0);
        if (updater == receiver) {
            throw WireException.invalid("receiver", "a client cannot pair with itself (" + updater + ")");
        }
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
