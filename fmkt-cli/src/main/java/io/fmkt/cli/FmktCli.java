package io.fmkt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./fmkt}: the command-line entry point. */
@Command(name = "fmkt", mixinStandardHelpOptions = true, version = "fmkt 0.1.0",
        description = "Decentralized federated learning by feature-map knowledge transfer (FM-kt).",
        subcommands = {SimulateCommand.class, BenchCommand.class, NumericsProbeCommand.class})
public final class FmktCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Bad options, missing input (files, a run's events in the log, objects in the store) and
     * objects that fail their digest end with a one-line error naming the problem, not a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FmktCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof IllegalStateException || e instanceof io.fmkt.core.store.ObjectStoreException) {
                cmd.getErr().println("fmkt: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
