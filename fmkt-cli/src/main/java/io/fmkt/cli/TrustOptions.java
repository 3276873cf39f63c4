package io.fmkt.cli;

import io.fmkt.core.results.PairResult;
import io.fmkt.core.results.RunResult;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What a finished run's non-finite pairs do to the exit status. A run whose pairs failed on NaN or
 * infinite values finished, but its numbers cannot be trusted (diverged training, or kernels that
 * compute garbage on this processor): it exits {@value #NON_FINITE_EXIT}, not 0, unless asked.
 */
public final class TrustOptions {
    /** Exit status of a run with non-finite pairs (picocli uses 1 and 2 for errors). */
    public static final int NON_FINITE_EXIT = 3;

    @Option(names = "--allow-non-finite", description = "exit 0 even when pairs failed on NaN or infinite values"
            + " (otherwise such a run exits " + NON_FINITE_EXIT + ")")
    boolean allowNonFinite;

    /** Prints the verdict on {@code result} and returns the exit status. */
    int verdict(RunResult result, PrintStream o) {
        List<PairResult> bad = result.nonFinitePairs();
        if (bad.isEmpty()) {
            return 0;
        }
        PairResult first = bad.get(0);
        o.printf("%nNON-FINITE: %d of %d pairs failed on NaN or infinite values (first: round %d, pair %d->%d: %s)."
                + "%nThese numbers cannot be trusted: lower --lr/--fusion-lr or set --clip if training diverged;"
                + " if it should not have, this processor's kernels are suspect (docs/NUMERICS.md).%n",
                bad.size(), result.pairs().size(), first.round(), first.updater(), first.receiver(), first.reason());
        if (allowNonFinite) {
            o.println("(--allow-non-finite: exit status 0)");
            return 0;
        }
        o.printf("exit status %d (--allow-non-finite accepts such a run)%n", NON_FINITE_EXIT);
        return NON_FINITE_EXIT;
    }
}
