package io.fmkt.cli;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The cost of distribution, measured in one invocation: the same experiment in-process (simulator)
 * and on the services, wall time from submission to the last round's evaluation. Start-up of the
 * stack and the services is excluded (they are started first and reused).
 */
@Command(name = "bench-distributed", mixinStandardHelpOptions = true,
        description = "Wall time of a distributed run divided by the simulator's for the same config, and where it goes.")
public final class DistributedBenchCommand implements Callable<Integer> {
    @Option(names = "--data", description = "CIFAR-10 path for the demo-scale preset, or synthetic (default: ${DEFAULT-VALUE})")
    String data = "synthetic";

    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig c = DemoCommand.preset(data, rounds, 1);
        PrintStream o = System.out;
        o.printf("fmkt bench-distributed: demo preset (width %d, %d clients, %d pairs, %d rounds, data %s)%n",
                c.width(), c.data().clients(), c.schedule().pairs(), c.schedule().rounds(), c.data().name());
        ExperimentData d = ExperimentData.load(c);
        long t0 = System.nanoTime();
        List<RoundSummary> sim = Simulator.run(c, d, r -> o.println("  simulator " + ResultTables.progressLine(r, rounds)));
        double simSeconds = (System.nanoTime() - t0) / 1e9;
        double simLocal = sim.stream().mapToDouble(RoundSummary::localSeconds).sum();
        double simFusion = sim.stream().mapToDouble(RoundSummary::fusionSeconds).sum();
        double simEval = sim.stream().mapToDouble(RoundSummary::evalSeconds).sum();

        String id = RunIds.newRunId("bench", c.schedule().seed(), Clock.systemUTC());
        Path logs = deployment.resultsDir().resolve(id).resolve("logs");
        try (LocalDeployment local = deployment.start(logs, c.numerics(), s -> o.println("  " + s), true);
             RunClient client = new RunClient(local.kafka())) {
            client.ensureTopics();
            RunClient.RunLog log;
            long t1;
            try (RunClient.Follower f = client.follow(id)) {
                t1 = System.nanoTime();
                client.publish(RunStarted.of(id, LocalDeployment.offerData(c, deployment.stateDir()), Instant.now()));
                log = f.await(rounds, deployment.timeout(), e -> o.printf(Locale.ROOT,
                        "  services round %d: acc %.2f %%  %.1f s%n", e.round(), e.accMean(),
                        (System.nanoTime() - t1) / 1e9), m -> { });
            }
            double distSeconds = (log.finishedNanos() - t1) / 1e9;
            double train = log.models().stream().filter(m -> m.role() == ModelPublished.Role.UPDATER)
                    .mapToDouble(ModelPublished::trainSeconds).sum();
            double fusion = log.outcomes().stream().filter(FusionCompleted.class::isInstance)
                    .mapToDouble(m -> ((FusionCompleted) m).seconds()).sum();
            // Evaluation runs beside training on the services; its time is eval-service's own timer.
            double eval = ScaleBenchCommand.metric(LocalDeployment.metrics(local.serviceUrl(LocalDeployment.Service.EVAL)),
                    "fmkt_eval_duration_seconds_sum", id);
            boolean same = ResultTables.roundsCsv(sim).equals(ResultTables.roundsCsv(log.rounds().stream()
                    .map(RoundSummary::of).toList()));
            o.printf(Locale.ROOT, "%n%-34s %10s %10s%n", "", "simulator", "services");
            o.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", "wall time, s", simSeconds, distSeconds);
            o.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", "local training compute, s", simLocal, train);
            o.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", "fusion compute, s", simFusion, fusion);
            o.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", "evaluation, s (services: overlapped)", simEval, eval);
            double rest = distSeconds - train - fusion;
            o.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", "rest: codecs, S3, Kafka, waiting, s",
                    simSeconds - simLocal - simFusion - simEval, rest);
            o.printf(Locale.ROOT, "rest / wall time: services %.1f %% (target <= 5 %%); evaluation not on the critical path"
                    + " except the last round's%n", 100 * rest / distSeconds);
            o.printf(Locale.ROOT, "%nratio services / simulator: %.3f (target <= 1.05); identical rounds.csv: %s%n",
                    distSeconds / simSeconds, same);
            deployment.finish(local);
        }
        return 0;
    }
}
