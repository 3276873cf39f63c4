package io.fmkt.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bad values of a config, gathered so that one message names all of them (a user fixing a
 * command line should not learn of one mistake per attempt).
 */
final class Problems {
    private final List<String> messages = new ArrayList<>();

    void add(String message) {
        messages.add(message);
    }

    /** Runs a check that throws {@link IllegalArgumentException}, recording its message. */
    void check(Runnable check) {
        get(() -> {
            check.run();
            return null;
        }, null);
    }

    /** The value {@code make} returns, or {@code fallback} when it refuses (its message recorded). */
    <T> T get(Supplier<T> make, T fallback) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            messages.add(e.getMessage());
            return fallback;
        }
    }

    /** Throws one exception naming every problem, if there is any. */
    void throwIfAny(String prefix) {
        if (!messages.isEmpty()) {
            throw new IllegalArgumentException(prefix + String.join("; ", messages));
        }
    }
}
