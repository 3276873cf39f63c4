package io.fmkt.cli;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The cost of distribution, measured in one invocation: the same experiment in-process (simulator)
 * and on the services, wall time from submission to the last round's evaluation. Start-up of the
 * stack and the services is excluded (they are started first and reused). By default both sides
 * first do two whole warm-up runs of the same configuration with other seeds, so that neither pays its
 * first runs' costs (DJL's engine and kernels, clients to S3 and Kafka, and the JIT: on two cores the
 * services' C2 compilers still took 7-17 % of the machine during the run after a single warm-up run)
 * inside the figures: long-running services are warm after their first runs. {@code --no-warm-up}
 * measures the first run of fresh services.
 */
@Command(name = "bench-distributed", mixinStandardHelpOptions = true,
        description = "Wall time of a distributed run divided by the simulator's for the same config, and where it goes.")
public final class DistributedBenchCommand implements Callable<Integer> {
    @Option(names = "--data", description = "CIFAR-10 path for the demo-scale preset, or synthetic (default: ${DEFAULT-VALUE})")
    String data = "synthetic";

    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--warm-up-runs", description = "whole runs of the same configuration with other seeds on each"
            + " side before the timed one, not timed (default: ${DEFAULT-VALUE})")
    int warmUpRuns = 2;

    @Option(names = "--no-warm-up", description = "the same as --warm-up-runs 0: the first run of fresh services")
    boolean noWarmUp;

    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig c = DemoCommand.preset(data, rounds, 1);
        int warmUps = noWarmUp ? 0 : warmUpRuns;
        if (warmUps < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--warm-up-runs must be >= 0, got " + warmUps);
        }
        // Whole runs of the same shape, other seeds: everything the timed run computes is new to both sides.
        List<ExperimentConfig> warm = new ArrayList<>();
        for (int i = 1; i <= warmUps; i++) {
            warm.add(c.toBuilder().seed(c.schedule().seed() + i).build());
        }
        PrintStream o = System.out;
        o.printf("fmkt bench-distributed: demo preset (width %d, %d clients, %d pairs, %d rounds, data %s)%s%n",
                c.width(), c.data().clients(), c.schedule().pairs(), c.schedule().rounds(), c.data().name(),
                warmUps > 0 ? ", after " + warmUps + " warm-up run(s) on each side" : ", first run (no warm-up)");
        for (ExperimentConfig w : warm) {
            long t = System.nanoTime();
            Simulator.run(w, ExperimentData.load(w), r -> { });
            o.printf(Locale.ROOT, "  simulator warm-up (seed %d): %.1f s%n", w.schedule().seed(), (System.nanoTime() - t) / 1e9);
        }
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
            for (ExperimentConfig w : warm) {
                String warmId = RunIds.newRunId("warmup", w.schedule().seed(), Clock.systemUTC());
                long t = System.nanoTime();
                try (RunClient.Follower f = client.follow(warmId)) {
                    client.publish(RunStarted.of(warmId, LocalDeployment.offerData(w, deployment.stateDir()), Instant.now()));
                    f.await(w.schedule().rounds(), deployment.timeout(), e -> { }, m -> { });
                }
                o.printf(Locale.ROOT, "  services warm-up (seed %d): %.1f s%n", w.schedule().seed(), (System.nanoTime() - t) / 1e9);
            }
            RunClient.RunLog log;
            long t1;
            long submittedMillis;
            try (RunClient.Follower f = client.follow(id)) {
                t1 = System.nanoTime();
                submittedMillis = System.currentTimeMillis();
                client.publish(RunStarted.of(id, LocalDeployment.offerData(c, deployment.stateDir()), Instant.now()));
                log = f.await(rounds, deployment.timeout(), e -> o.printf(Locale.ROOT,
                        "  services round %d: acc %.2f %%  %.1f s%n", e.round(), e.accMean(),
                        (System.nanoTime() - t1) / 1e9), m -> { });
            }
            double distSeconds = (log.finishedNanos() - t1) / 1e9;
            Path timeline = logs.getParent().resolve("timeline.csv");
            Files.writeString(timeline, timelineCsv(log, submittedMillis));
            WallSplit split = split(log, submittedMillis, distSeconds);
            double train = log.models().stream().filter(m -> m.role() == ModelPublished.Role.UPDATER)
                    .mapToDouble(ModelPublished::trainSeconds).sum();
            double fusion = log.outcomes().stream().filter(FusionCompleted.class::isInstance)
                    .mapToDouble(m -> ((FusionCompleted) m).seconds()).sum();
            // Evaluation runs beside training on the services; its time is eval-service's own timer.
            double eval = ScaleBenchCommand.metric(LocalDeployment.metrics(local.serviceUrl(LocalDeployment.Service.EVAL)),
                    "fmkt_eval_duration_seconds_sum", id);
            boolean same = ResultTables.roundsCsv(sim).equals(ResultTables.roundsCsv(log.rounds().stream()
                    .map(RoundSummary::of).toList()));
            double simRest = simSeconds - simLocal - simFusion - simEval;
            o.printf(Locale.ROOT, "%n%-44s %10s %10s%n", "wall time split (services: by instant)", "simulator", "services");
            o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "wall time, s", simSeconds, distSeconds);
            o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "local training, s (a client trains)", simLocal, split.training());
            o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "fusion, s (a fusion runs, no training)", simFusion, split.fusion());
            o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "evaluation, s (services: after the last fusion)",
                    simEval, split.evaluation());
            o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "rest: no step computing, s", simRest, split.rest());
            o.printf(Locale.ROOT, "rest / wall time: simulator %.1f %%, services %.1f %% (target <= 5 %%)%n",
                    100 * simRest / simSeconds, 100 * split.rest() / distSeconds);
            o.printf(Locale.ROOT, "services' compute, overlapping (each service's own timer): training %.1f s, fusion %.1f s,"
                    + " evaluation %.1f s%n", train, fusion, eval);
            o.printf(Locale.ROOT, "%nratio services / simulator: %.3f (target <= 1.10); identical rounds.csv: %s%n",
                    distSeconds / simSeconds, same);
            o.println("services' steps on the clock: " + timeline);
            deployment.finish(local);
        }
        return 0;
    }

    /**
     * Every message of the run on one clock, seconds from the submission: when it was logged and, for
     * a training or a fusion, when its compute began (its own timer before that). For reading where a
     * run waits.
     */
    static String timelineCsv(RunClient.RunLog log, long submittedMillis) {
        record Row(double logged, String line) {
        }
        List<Row> rows = new ArrayList<>();
        for (ModelPublished m : log.models()) {
            double t = log.secondsAfter(submittedMillis, m);
            String from = m.role() == ModelPublished.Role.UPDATER ? fmt(t - m.trainSeconds()) : "";
            rows.add(new Row(t, String.join(",", "model-" + m.role().name().toLowerCase(Locale.ROOT),
                    Integer.toString(m.round()), Integer.toString(m.client()), from, fmt(t))));
        }
        for (WireMessage m : log.outcomes()) {
            double t = log.secondsAfter(submittedMillis, m);
            if (m instanceof FusionCompleted f) {
                rows.add(new Row(t, String.join(",", "fusion", Integer.toString(f.round()), Integer.toString(f.receiver()),
                        fmt(t - f.seconds()), fmt(t))));
            } else if (m instanceof PairSkipped k) {
                rows.add(new Row(t, String.join(",", "skipped", Integer.toString(k.round()), Integer.toString(k.receiver()),
                        "", fmt(t))));
            }
        }
        for (RoundEvaluated e : log.rounds()) {
            if (log.loggedAtMillis().containsKey(e)) {
                double t = log.secondsAfter(submittedMillis, e);
                rows.add(new Row(t, String.join(",", "evaluated", Integer.toString(e.round()), "", "", fmt(t))));
            }
        }
        rows.sort(java.util.Comparator.comparingDouble(Row::logged));
        StringBuilder b = new StringBuilder("event,round,client,compute_from_s,logged_s\n");
        rows.forEach(r -> b.append(r.line()).append('\n'));
        return b.toString();
    }

    private static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** The services' wall time by instant, from each step's duration and the time its message was logged. */
    static WallSplit split(RunClient.RunLog log, long submittedMillis, double wallSeconds) {
        List<WallSplit.Span> training = new ArrayList<>();
        List<WallSplit.Span> fusion = new ArrayList<>();
        double lastOutcome = 0;
        for (ModelPublished m : log.models()) {
            if (m.role() == ModelPublished.Role.UPDATER) {
                double at = log.secondsAfter(submittedMillis, m);
                training.add(new WallSplit.Span(at - m.trainSeconds(), at));
            }
        }
        for (WireMessage m : log.outcomes()) {
            double at = log.secondsAfter(submittedMillis, m);
            lastOutcome = Math.max(lastOutcome, at);
            if (m instanceof FusionCompleted f) {
                fusion.add(new WallSplit.Span(at - f.seconds(), at));
            }
        }
        return WallSplit.of(wallSeconds, training, fusion, lastOutcome);
    }
}
