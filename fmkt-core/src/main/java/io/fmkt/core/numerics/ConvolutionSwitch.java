package io.fmkt.core.numerics;

/**
 * Holds libtorch on one {@link Convolutions} while steps run. The switch is process-wide and read on
 * every convolution, forward and backward, so a step takes a lease for its model's kernels before its
 * first forward pass and returns it after its last backward pass. Steps that want the same kernels
 * run side by side; a step that wants the other kernels waits until the last lease is returned (and
 * new leases of the current kind wait behind it, so it is not starved). A process that runs one
 * width only never switches after its first step.
 */
public final class ConvolutionSwitch {
    private static final Object LOCK = new Object();
    private static final ThreadLocal<Lease> HELD = new ThreadLocal<>();
    /** What libtorch is set to; null before the first lease (libtorch's default: oneDNN). */
    private static Convolutions current;
    private static int holders;
    private static final int[] waiting = new int[Convolutions.values().length];

    private ConvolutionSwitch() {
    }

    /** A lease on the kernels for a model of {@code width} in this process's numerics mode. */
    public static Lease forWidth(int width) {
        return use(Convolutions.forWidth(width));
    }

    /**
     * Waits until libtorch computes convolutions with {@code kind} and keeps it so until the lease is
     * closed. A thread that already holds a lease of that kind gets a nested one at once.
     *
     * @throws IllegalStateException if this thread holds a lease of the other kind
     */
    public static Lease use(Convolutions kind) {
        Lease held = HELD.get();
        if (held != null) {
            if (held.kind != kind) {
                throw new IllegalStateException("this thread computes with " + held.kind.label()
                        + " convolutions and cannot switch to " + kind.label() + " inside that step");
            }
            held.depth++;
            return held;
        }
        synchronized (LOCK) {
            waiting[kind.ordinal()]++;
            try {
                // the current kind yields to a waiting other kind; another kind enters once the last lease is back
                while (current == kind ? othersWaiting(kind) : holders > 0) {
                    LOCK.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + kind.label() + " convolutions", e);
            } finally {
                waiting[kind.ordinal()]--;
            }
            if (current != kind) {
                AtenContext.get().use(kind);
                current = kind;
            }
            holders++;
        }
        Lease lease = new Lease(kind);
        HELD.set(lease);
        return lease;
    }

    private static boolean othersWaiting(Convolutions kind) {
        for (Convolutions k : Convolutions.values()) {
            if (k != kind && waiting[k.ordinal()] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @throws IllegalStateException unless this thread holds a lease: a forward pass outside one would
     *         run on whatever another thread's step switched libtorch to
     */
    public static void requireHeld(String what) {
        if (HELD.get() == null) {
            throw new IllegalStateException(what + " runs outside a lease on the convolution kernels (take"
                    + " ConvolutionSwitch.forWidth(width) around the step, backward pass included)");
        }
    }

    /** The kernels libtorch is set to now (null before any lease was taken). */
    public static Convolutions current() {
        synchronized (LOCK) {
            return current;
        }
    }

    /** One thread's hold on the switch; close it on the thread that took it. */
    public static final class Lease implements AutoCloseable {
        private final Convolutions kind;
        private int depth = 1;

        private Lease(Convolutions kind) {
            this.kind = kind;
        }

        public Convolutions kind() {
            return kind;
        }

        @Override
        public void close() {
            if (--depth > 0) {
                return;
            }
            HELD.remove();
            synchronized (LOCK) {
                holders--;
                LOCK.notifyAll();
            }
        }
    }
}
