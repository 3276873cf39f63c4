package io.fmkt.core.data;

import io.fmkt.core.numerics.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Parses partitioner specs, and holds the small helpers the partitioners share. */
public final class Partitioners {
    // Sub-stream ids under Purpose.PARTITION, so that no two partitioning steps share a stream.
    static final long STREAM_CLASS_SHUFFLE = 1;
    static final long STREAM_SEGMENT_WHEEL = 2;
    static final long STREAM_DIRICHLET = 3;
    static final long STREAM_IID = 4;
    static final long STREAM_CAP = 5;

    private Partitioners() {
    }

    /**
     * {@code segment:K} (each client holds K of the 10 classes), {@code dirichlet:ALPHA}
     * (per-class Dirichlet proportions) or {@code iid}. Kind is case-insensitive; spaces are trimmed.
     *
     * @throws IllegalArgumentException naming the spec when it is unknown or its number is bad
     */
    public static Partitioner parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("Partitioner spec is null; expected segment:K, dirichlet:ALPHA or iid");
        }
        String s = spec.trim();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? null : s.substring(colon + 1).trim();
        try {
            switch (kind) {
                case "iid":
                    if (arg != null) {
                        throw new IllegalArgumentException("iid takes no parameter");
                    }
                    return new IidPartitioner();
                case "segment":
                    return new SegmentPartitioner(parseInt(requireArg(arg, "K (1..10)")));
                case "dirichlet":
                    return new DirichletPartitioner(parseDouble(requireArg(arg, "ALPHA (> 0)")));
                default:
                    throw new IllegalArgumentException("unknown kind '" + kind + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Bad partitioner spec '" + spec + "': " + e.getMessage()
                    + " (expected segment:K, dirichlet:ALPHA or iid)", e);
        }
    }

    private static String requireArg(String arg, String what) {
        if (arg == null || arg.isEmpty()) {
            throw new IllegalArgumentException("missing " + what);
        }
        return arg;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an integer");
        }
    }

    private static double parseDouble(String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("'" + s + "' is not a finite number");
        }
        return v;
    }

    // ---- helpers shared by the partitioners ----

    static void requireClients(int clients) {
        if (clients < 1) {
            throw new IllegalArgumentException("Need at least 1 client, got " + clients);
        }
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates, in place. */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * Indices of each class, each list shuffled by its own per-class stream: a class's order does
     * not depend on the other classes or on the partitioner that consumes it.
     */
    static int[][] shuffledIndicesByClass(TrainingImages train, long runSeed) {
        int[] counts = train.classCounts();
        int[][] byClass = new int[ImageSet.NUM_CLASSES][];
        int[] fill = new int[ImageSet.NUM_CLASSES];
        for (int k = 0; k < byClass.length; k++) {
            byClass[k] = new int[counts[k]];
        }
        for (int i = 0; i < train.size(); i++) {
            int k = train.label(i);
            byClass[k][fill[k]++] = i;
        }
        for (int k = 0; k < byClass.length; k++) {
            shuffle(byClass[k], Seeds.rng(runSeed, Seeds.Purpose.PARTITION, STREAM_CLASS_SHUFFLE, k));
        }
        return byClass;
    }

    /** Sizes of {@code parts} contiguous chunks of {@code n} items that differ by at most 1 (the first {@code n % parts} get one more). */
    static int[] evenSizes(int n, int parts) {
        int[] sizes = new int[parts];
        for (int p = 0; p < parts; p++) {
            sizes[p] = n / parts + (p < n % parts ? 1 : 0);
        }
        return sizes;
    }

    /** Growable per-client index lists, turned into a {@link Partition} at the end. */
    static final class Builder {
        private final List<List<int[]>> chunks = new ArrayList<>();

        Builder(int clients) {
            for (int c = 0; c < clients; c++) {
                chunks.add(new ArrayList<>());
            }
        }

        /** Appends {@code source[from..to)} to client {@code client}. */
        void add(int client, int[] source, int from, int to) {
            chunks.get(client).add(Arrays.copyOfRange(source, from, to));
        }

        Partition build() {
            int[][] out = new int[chunks.size()][];
            for (int c = 0; c < out.length; c++) {
                int n = chunks.get(c).stream().mapToInt(a -> a.length).sum();
                out[c] = new int[n];
                int at = 0;
                for (int[] a : chunks.get(c)) {
                    System.arraycopy(a, 0, out[c], at, a.length);
                    at += a.length;
                }
            }
            return new Partition(out);
        }
    }
}
