package io.fmkt.cli;

import io.fmkt.core.admission.RunLimits;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.ResultTables;
import io.fmkt.report.RunOutputs;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.train.ExperimentData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a whole DFL experiment in this process (no Kafka): the reference for the services.")
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions experiment;

    @Mixin
    TrustOptions trust;

    @Option(names = "--out", required = true,
            description = "output directory (rounds.csv, pairs.csv, timings.csv, config.json, accuracy.png)")
    Path out;

    @Option(names = "--histogram", description = "print each client's class histogram before training")
    boolean histogram;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig c = experiment.toConfig();
        RunLimits.fromEnvironment(System.getenv()).require(c); // the services' limits, before any allocation
        NumericsSetup.apply(c.numerics());
        PrintStream o = System.out;
        long start = System.nanoTime();
        ExperimentData data = ExperimentData.load(c);
        o.printf("fmkt simulate: %d clients, %d pairs/round, %d rounds, %s, width %d, layers %s, seed %d, %s numerics%n",
                c.data().clients(), c.schedule().pairs(), c.schedule().rounds(), c.data().partition(), c.width(),
                c.fusion().layers(), c.schedule().seed(), c.numerics().label());
        o.printf("data: %s (%d train images over the clients, %d test)%n", c.data().name(),
                data.partition().totalSize(), data.test().size());
        if (histogram) {
            o.print(data.shards().formatHistogram());
        }
        List<RoundSummary> rounds = Simulator.run(c, data, r -> o.println(ResultTables.progressLine(r,
                c.schedule().rounds())));
        RunResult result = RunResult.of(c, rounds);
        RunOutputs.write(out, result, "fmkt simulate: layers " + c.fusion().layers() + ", " + c.data().partition());
        o.println();
        o.print(ResultTables.table(rounds));
        o.printf("%nwrote %s (rounds.csv, pairs.csv, timings.csv, config.json, accuracy.png) in %.1f s%n", out,
                (System.nanoTime() - start) / 1e9);
        return trust.verdict(result, o);
    }
}
