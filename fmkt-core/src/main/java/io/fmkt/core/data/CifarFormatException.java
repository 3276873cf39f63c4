package io.fmkt.core.data;

import java.io.IOException;

/**
 * CIFAR-10 files that exist but do not hold valid data (missing batch, truncated file, bad label).
 * An {@link IOException} so callers handle it with every other "could not load the data" failure,
 * but a type of its own so a corrupt download can be told apart from an unreadable disk.
 */
public class CifarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CifarFormatException(String message) {
        super(message);
    }

    public CifarFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
