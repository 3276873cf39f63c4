package io.fmkt.core.numerics;

/**
 * Gives memory that the C allocator holds free back to the operating system. glibc keeps freed
 * blocks of a long-lived process for reuse, so a burst of large temporary tensors (the kernel check
 * at start-up) stays in the resident set although nothing uses it.
 */
final class NativeMemory {
    private NativeMemory() {
    }

    /**
     * Returns free pages of every malloc arena to the kernel ({@code malloc_trim(0)}).
     *
     * @return true if memory was returned; false if none was, or the C library is not glibc
     */
    static boolean trim() {
        try {
            return NumericsSetup.libc().malloc_trim(0) == 1;
        } catch (UnsatisfiedLinkError notGlibc) {
            return false;
        }
    }
}
