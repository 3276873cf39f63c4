package io.fmkt.core.wire;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Run ids: readable, sortable by start time, and safe everywhere a run id ends up — Kafka keys
 * ({@code runId/client}), object-store keys and local directory names. Hence the strict alphabet:
 * no {@code /} or {@code \}, and the first character must be a letter or digit, which rules out
 * {@code .} and {@code ..} as path segments and ids that look like command-line options.
 */
public final class RunIds {
    /** {@code [A-Za-z0-9._-]{1,64}} whose first character is a letter or digit. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final int MAX_LENGTH = 64;

    // UTC regardless of the clock's zone, so ids made on machines in different zones sort together.
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    /**
     * A new id {@code <prefix>-<yyyyMMdd-HHmmss UTC>-s<seed>-<4 hex>}, e.g.
     * {@code run-20261126-142233-s1-ab12}. The random suffix separates runs started in the same
     * second with the same seed; nothing about a run's numbers depends on it.
     *
     * @throws WireException if the prefix is not itself a valid id or the result would exceed 64 characters
     */
    public static String newRunId(String prefix, long seed, Clock clock) {
        return newRunId(prefix, seed, clock, ThreadLocalRandom.current());
    }

    /** As {@link #newRunId(String, long, Clock)} with the suffix drawn from {@code random}. */
    public static String newRunId(String prefix, long seed, Clock clock, RandomGenerator random) {
        validate("prefix", prefix);
        String id = prefix + "-" + STAMP.format(clock.instant()) + "-s" + seed + "-"
                + String.format(Locale.ROOT, "%04x", random.nextInt(0x10000));
        if (id.length() > MAX_LENGTH) {
            throw WireException.invalid("prefix", "'" + prefix + "' makes the run id " + id.length()
                    + " characters long; the limit is " + MAX_LENGTH);
        }
        return id;
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /**
     * Returns {@code id} if it is a valid run id.
     *
     * @throws WireException ({@link WireException.Reason#INVALID_VALUE}, field {@code runId}) otherwise
     */
    public static String validate(String id) {
        return validate("runId", id);
    }

    static String validate(String field, String id) {
        Checks.required(field, id);
        if (!isValid(id)) {
            String shown = Checks.abbreviate(id, 80);
            throw WireException.invalid(field, id.isEmpty() ? "must not be empty"
                    : id.length() > MAX_LENGTH ? "longer than " + MAX_LENGTH + " characters (" + id.length() + ")"
                    : "'" + shown + "' must match [A-Za-z0-9][A-Za-z0-9._-]* (no path characters)");
        }
        return id;
    }
}
