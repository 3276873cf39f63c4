package io.fmkt.cli;

import io.fmkt.cli.FmktCli;
import picocli.CommandLine;

/** {@code ./fmkt}: the core commands (simulate, bench) plus those that need the distributed services. */
public final class Fmkt {
    private Fmkt() {
    }

    public static CommandLine commandLine() {
        return FmktCli.commandLine().addSubcommand(new RunCommand()).addSubcommand(new DemoCommand())
                .addSubcommand(new DistributedBenchCommand()).addSubcommand(new ScaleBenchCommand()).addSubcommand(new ReplayCommand()).addSubcommand(new StudyCommand());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
