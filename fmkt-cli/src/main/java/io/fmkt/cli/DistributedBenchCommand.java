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
 * measures the first run of fresh services. Then {@code --repeats} timed runs on each side, the
 * simulator's first (alone on the machine: the idle stack and services would slow it too), compared
 * pair by pair; the ratio and the rest are over their sums, as one run of each varied by 10 % on a
 * shared machine.
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

    @Option(names = "--repeats", description = "timed runs on each side (the simulator's first, alone on the"
            + " machine), compared pair by pair; the ratio and the rest are over their sums (default: ${DEFAULT-VALUE})")
    int repeats = 3;

    /** One timed pair. */
    private record Pair(double simSeconds, double distSeconds, WallSplit split, boolean same) {
    }

    /** A services run: its log, its wall time from the submission, and the submission's epoch millis. */
    private record Timed(RunClient.RunLog log, double seconds, long submittedMillis) {
    }

    @Override
    public Integer call() throws Exception {
        ExperimentConfig c = DemoCommand.preset(data, rounds, 1);
        int warmUps = noWarmUp ? 0 : warmUpRuns;
        if (warmUps < 0 || repeats < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--warm-up-runs must be >= 0 and --repeats >= 1, got " + warmUps + " and " + repeats);
        }
        // Whole runs of the same shape, other seeds: everything the timed run computes is new to both sides.
        List<ExperimentConfig> warm = new ArrayList<>();
        for (int i = 1; i <= warmUps; i++) {
            warm.add(c.toBuilder().seed(c.schedule().seed() + i).build());
        }
        PrintStream o = System.out;
        o.printf("fmkt bench-distributed: demo preset (width %d, %d clients, %d pairs, %d rounds, data %s)%s, %d timed"
                        + " pair(s)%n", c.width(), c.data().clients(), c.schedule().pairs(), c.schedule().rounds(),
                c.data().name(), warmUps > 0 ? ", after " + warmUps + " warm-up run(s) on each side"
                        : ", first run (no warm-up)", repeats);
        String benchId = RunIds.newRunId("bench", c.schedule().seed(), Clock.systemUTC());
        Path dir = deployment.resultsDir().resolve(benchId);
        // The simulator's runs first, alone on the machine: idle services and a broker would slow it too.
        for (ExperimentConfig w : warm) {
            long t = System.nanoTime();
            Simulator.run(w, ExperimentData.load(w), r -> { });
            o.printf(Locale.ROOT, "  simulator warm-up (seed %d): %.1f s%n", w.schedule().seed(), (System.nanoTime() - t) / 1e9);
        }
        ExperimentData d = ExperimentData.load(c);
        List<List<RoundSummary>> sims = new ArrayList<>();
        List<Double> simTimes = new ArrayList<>();
        for (int k = 1; k <= repeats; k++) {
            long t0 = System.nanoTime();
            sims.add(Simulator.run(c, d, r -> o.println("  simulator " + ResultTables.progressLine(r, rounds))));
            simTimes.add((System.nanoTime() - t0) / 1e9);
            o.printf(Locale.ROOT, "  simulator run %d: %.1f s%n", k, simTimes.get(k - 1));
        }
        try (LocalDeployment local = deployment.start(dir.resolve("logs"), c.numerics(), s -> o.println("  " + s), true);
             RunClient client = new RunClient(local.kafka())) {
            client.ensureTopics();
            for (ExperimentConfig w : warm) {
                long t = System.nanoTime();
                servicesRun(client, w, RunIds.newRunId("warmup", w.schedule().seed(), Clock.systemUTC()), (e, s) -> { });
                o.printf(Locale.ROOT, "  services warm-up (seed %d): %.1f s%n", w.schedule().seed(), (System.nanoTime() - t) / 1e9);
            }
            List<Pair> pairs = new ArrayList<>();
            for (int k = 1; k <= repeats; k++) {
                List<RoundSummary> sim = sims.get(k - 1);
                double simSeconds = simTimes.get(k - 1);
                double simLocal = sim.stream().mapToDouble(RoundSummary::localSeconds).sum();
                double simFusion = sim.stream().mapToDouble(RoundSummary::fusionSeconds).sum();
                double simEval = sim.stream().mapToDouble(RoundSummary::evalSeconds).sum();

                String id = RunIds.newRunId("bench", c.schedule().seed(), Clock.systemUTC());
                Timed run = servicesRun(client, c, id, (e, s) -> o.printf(Locale.ROOT,
                        "  services round %d: acc %.2f %%  %.1f s%n", e.round(), e.accMean(), s));
                RunClient.RunLog log = run.log();
                long submittedMillis = run.submittedMillis();
                double distSeconds = run.seconds();
                Path timeline = dir.resolve("timeline-" + k + ".csv");
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
                o.printf(Locale.ROOT, "%npair %d of %d%n", k, repeats);
                o.printf(Locale.ROOT, "%-44s %10s %10s%n", "wall time split (services: by instant)", "simulator", "services");
                o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "wall time, s", simSeconds, distSeconds);
                o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "local training, s (a client trains)", simLocal, split.training());
                o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "fusion, s (a fusion runs, no training)", simFusion, split.fusion());
                o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "evaluation, s (services: after the last fusion)",
                        simEval, split.evaluation());
                o.printf(Locale.ROOT, "%-44s %10.1f %10.1f%n", "rest: no step computing, s", simRest, split.rest());
                o.printf(Locale.ROOT, "rest / wall time: simulator %.1f %%, services %.1f %%%n",
                        100 * simRest / simSeconds, 100 * split.rest() / distSeconds);
                o.printf(Locale.ROOT, "services' compute, overlapping (each service's own timer): training %.1f s, fusion %.1f s,"
                        + " evaluation %.1f s%n", train, fusion, eval);
                o.printf(Locale.ROOT, "ratio services / simulator: %.3f; identical rounds.csv: %s; steps on the clock: %s%n%n",
                        distSeconds / simSeconds, same, timeline);
                pairs.add(new Pair(simSeconds, distSeconds, split, same));
            }
            double simTotal = pairs.stream().mapToDouble(Pair::simSeconds).sum();
            double distTotal = pairs.stream().mapToDouble(Pair::distSeconds).sum();
            double restTotal = pairs.stream().mapToDouble(p -> p.split().rest()).sum();
            o.printf(Locale.ROOT, "over %d pair(s): simulator %.1f s, services %.1f s; rest %.1f s%n", repeats, simTotal,
                    distTotal, restTotal);
            o.printf(Locale.ROOT, "rest / wall time: services %.1f %% (target <= 5 %%)%n", 100 * restTotal / distTotal);
            o.printf(Locale.ROOT, "ratio services / simulator: %.3f (target <= 1.10); identical rounds.csv in every pair: %s%n",
                    distTotal / simTotal, pairs.stream().allMatch(Pair::same));
            deployment.finish(local);
        }
        return 0;
    }

    /**
     * A run on the services, timed from its submission (after the follower subscribed: not the
     * services' time) to its last round's evaluation; {@code onRound} gets each round and its seconds.
     */
    private Timed servicesRun(RunClient client, ExperimentConfig c, String id,
            java.util.function.BiConsumer<RoundEvaluated, Double> onRound) throws Exception {
        try (RunClient.Follower f = client.follow(id)) {
            long nanos = System.nanoTime();
            long millis = System.currentTimeMillis();
            client.publish(RunStarted.of(id, LocalDeployment.offerData(c, deployment.stateDir()), Instant.now()));
            RunClient.RunLog log = f.await(c.schedule().rounds(), deployment.timeout(),
                    e -> onRound.accept(e, (System.nanoTime() - nanos) / 1e9), m -> { });
            return new Timed(log, (log.finishedNanos() - nanos) / 1e9, millis);
        }
    }

    /**
     * Every message of the run on one clock, seconds from the submission: when it was logged and, for
     * a training or a fusion, when its compute ran. For reading where a run waits.
     */
    static String timelineCsv(RunClient.RunLog log, long submittedMillis) {
        record Row(double logged, String line) {
        }
        List<Row> rows = new ArrayList<>();
        for (ModelPublished m : log.models()) {
            double t = log.secondsAfter(submittedMillis, m);
            String span = m.role() == ModelPublished.Role.UPDATER ? fmt(trainSpan(log, submittedMillis, m)) : ",";
            rows.add(new Row(t, String.join(",", "model-" + m.role().name().toLowerCase(Locale.ROOT),
                    Integer.toString(m.round()), Integer.toString(m.client()), span, fmt(t))));
        }
        for (WireMessage m : log.outcomes()) {
            double t = log.secondsAfter(submittedMillis, m);
            if (m instanceof FusionCompleted f) {
                rows.add(new Row(t, String.join(",", "fusion", Integer.toString(f.round()), Integer.toString(f.receiver()),
                        fmt(fusionSpan(log, submittedMillis, f)), fmt(t))));
            } else if (m instanceof PairSkipped k) {
                rows.add(new Row(t, String.join(",", "skipped", Integer.toString(k.round()), Integer.toString(k.receiver()),
                        ",", fmt(t))));
            }
        }
        for (RoundEvaluated e : log.rounds()) {
            if (log.loggedAtMillis().containsKey(e)) {
                double t = log.secondsAfter(submittedMillis, e);
                rows.add(new Row(t, String.join(",", "evaluated", Integer.toString(e.round()), "", ",", fmt(t))));
            }
        }
        rows.sort(java.util.Comparator.comparingDouble(Row::logged));
        StringBuilder b = new StringBuilder("event,round,client,compute_from_s,compute_to_s,logged_s\n");
        rows.forEach(r -> b.append(r.line()).append('\n'));
        return b.toString();
    }

    private static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    private static String fmt(WallSplit.Span s) {
        return fmt(s.from()) + "," + fmt(s.to());
    }

    /**
     * When a step computed, in seconds after the submission: from the start its service clocked,
     * for its own duration; for a message of a build that did not clock it, the duration up to the
     * moment the message was logged (which counts the step's uploads as compute).
     */
    private static WallSplit.Span span(RunClient.RunLog log, long submittedMillis, WireMessage m, Long startedAt,
            double seconds) {
        if (startedAt == null) {
            double at = log.secondsAfter(submittedMillis, m);
            return new WallSplit.Span(at - seconds, at);
        }
        double from = (startedAt - submittedMillis) / 1e3;
        return new WallSplit.Span(from, from + seconds);
    }

    static WallSplit.Span trainSpan(RunClient.RunLog log, long submittedMillis, ModelPublished m) {
        return span(log, submittedMillis, m, m.startedAtMillis(), m.trainSeconds());
    }

    static WallSplit.Span fusionSpan(RunClient.RunLog log, long submittedMillis, FusionCompleted f) {
        return span(log, submittedMillis, f, f.startedAtMillis(), f.seconds());
    }

    /** The services' wall time by instant, from each step's clocked compute ({@link #span}). */
    static WallSplit split(RunClient.RunLog log, long submittedMillis, double wallSeconds) {
        List<WallSplit.Span> training = new ArrayList<>();
        List<WallSplit.Span> fusion = new ArrayList<>();
        double lastOutcome = 0;
        for (ModelPublished m : log.models()) {
            if (m.role() == ModelPublished.Role.UPDATER) {
                training.add(trainSpan(log, submittedMillis, m));
            }
        }
        for (WireMessage m : log.outcomes()) {
            lastOutcome = Math.max(lastOutcome, log.secondsAfter(submittedMillis, m));
            if (m instanceof FusionCompleted f) {
                fusion.add(fusionSpan(log, submittedMillis, f));
            }
        }
        return WallSplit.of(wallSeconds, training, fusion, lastOutcome);
    }
}
