package io.fmkt.cli;

import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.numerics.NumericsSetup;
import io.fmkt.core.train.KernelGate;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.Replay;
import io.fmkt.core.protocol.ReplayComparison;
import io.fmkt.report.ReplayPlot;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.s3.S3ObjectStore;
import io.fmkt.s3.S3StoreConfig;
import io.fmkt.core.results.ResultTables;
import io.fmkt.report.RunOutputs;
import io.fmkt.core.results.RunResult;
import io.fmkt.kafka.LogReader;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunResumed;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Replays rounds of a logged run from Kafka and the object store only (the local stack is started
 * if needed, the services only to resume). Modes: {@code reevaluate} (must equal the logged
 * accuracies), {@code refusion} (alias {@code refuse}; the default when a fusion setting is given:
 * the counterfactual, the logged inputs of each pair fused again with
 * overrides, logged as a run linked to its parent, which live services never execute) and
 * {@code resume} (the services continue a stopped run from its last complete round).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-evaluate a logged run, re-run its fusions with other settings (counterfactual), or resume"
                + " a stopped run.")
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "the logged run id")
    String run;
    @Option(names = "--mode", description = "reevaluate | refusion (re-fuse with other settings; 'refuse' is an"
            + " alias) | resume (continue a stopped run from its last complete round on the services) (default:"
            + " refusion when a fusion setting such as --layers is given, else reevaluate)")
    String mode;
    @Option(names = "--from-round", description = "first round (default: 1)")
    int from = 1;
    @Option(names = "--to-round", description = "last round (default: the run's last)")
    Integer to;
    @Option(names = "--layers", description = "refusion: stages to distil")
    String layers;
    @Option(names = "--beta", description = "refusion: feature-map weight")
    Double beta;
    @Option(names = {"-T", "--temperature"}, description = "refusion: KD temperature")
    Double temperature;
    @Option(names = "--keep", description = "refusion: received | own | best")
    String keep;
    @Option(names = "--norm", description = "refusion: none | l2 | attention")
    String norm;
    @Option(names = "--since", paramLabel = "INSTANT", description = "read the run's events from this time on"
            + " (ISO-8601, e.g. 2026-11-26T14:00:00Z; default: the start of the log)")
    String since;
    @Option(names = "--publish", negatable = true, description = "log the replay as a run linked to its parent"
            + " (RunStarted with replayOf, and its rounds), so it shows on the dashboard beside it; live services"
            + " never execute it (default: on for refusion, off for reevaluate)")
    Boolean publish;
    @Option(names = "--numerics", description = "native | portable: reevaluate/refuse in this mode (default: the"
            + " logged run's own, which reproduces its values); resume: must be the run's own")
    String numerics;

    @Option(names = "--replay-id", description = "id of the replay (default: <run>-replay-<mode>-<layers>)")
    String replayId;
    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        if (Replay.Mode.parse(mode) == Replay.Mode.RESUME) {
            resume(o);
            return 0;
        }
        try (LocalDeployment local = deployment.start(deployment.resultsDir().resolve(run + "-replay-logs"), null, s -> { },
                false);
             S3ObjectStore s3 = new S3ObjectStore(S3StoreConfig.of(local.s3Endpoint(), LocalDeployment.ACCESS_KEY,
                     LocalDeployment.SECRET_KEY, LocalDeployment.BUCKET))) {
            Replay.Log log = readLog(local);
            Replay.Request request = new Replay.Request(run, Replay.Mode.parse(mode), from, to, layers, beta,
                    temperature, keep, norm, replayId);
            ExperimentConfig parent = log.run().config();
            // The run's own numerics reproduce its logged values; the other mode shows how far they move.
            Numerics mode = numerics != null ? Numerics.parse(numerics) : parent.numerics();
            NumericsSetup.apply(mode);
            ExperimentConfig c = request.config(parent).toBuilder().numerics(mode.label()).build();
            KernelGate.require(c);
            String id = request.id(parent);
            if (request.mode() == Replay.Mode.REFUSION) {
                o.printf("counterfactual %s of %s: layers %s -> %s, beta %s, T %s, keep %s, norm %s%n", id, run,
                        parent.fusion().layers(), c.fusion().layers(), c.fusion().beta(), c.fusion().temperature(),
                        c.fusion().keep().label(), c.fusion().norm().label());
            }
            List<RoundEvaluated> replayed = request.execute(log, new ModelStore(s3),
                    LocalDeployment.loadData(parent, deployment.stateDir()),
                    Instant.now());
            ReplayComparison comparison = ReplayComparison.of(log, id, replayed);
            Path out = deployment.resultsDir().resolve(id);
            Files.createDirectories(out);
            Files.writeString(out.resolve("comparison.csv"), comparison.csv());
            ReplayPlot.save(comparison, out.resolve("comparison.png"));
            o.print(comparison.table());
            if (publish != null ? publish : request.mode() == Replay.Mode.REFUSION) {
                // A linked run: its rounds show on the dashboard like any run's; live services ignore it.
                try (RunClient client = new RunClient(local.kafka())) {
                    client.publish(RunStarted.replay(id, c, run, Instant.now()));
                    for (RoundEvaluated e : replayed) {
                        client.publish(e);
                    }
                }
                o.printf("published %s (replay of %s) with %d rounds on %s%n", id, run, replayed.size(), Topics.ROUNDS);
                o.println(pageLine(local, id));
            }
            o.printf("%nwrote %s (comparison.csv, comparison.png)%n", out);
        }
        return 0;
    }

    /** A replay starts no services: its page is there when an eval-service runs on this deployment. */
    private static String pageLine(LocalDeployment local, String id) {
        return "page: " + local.pageUrl(id) + (local.ready(LocalDeployment.Service.EVAL) ? ""
                : " (when an eval-service runs there, e.g. after ./fmkt run --keep-running PIDFILE)");
    }

    private Replay.Log readLog(LocalDeployment local) {
        try (LogReader reader = new LogReader(local.kafka().clientConfig())) {
            return Replay.Log.read(reader, run, since == null ? null : Instant.parse(since));
        }
    }

    /**
     * Continues a stopped run from its last complete round: starts whatever is not running, asks the
     * services (RunResumed) to rebuild the run's state from the log, and follows it to the end. The
     * result is the run's own results/<run>/, as if it had never stopped.
     */
    private void resume(PrintStream o) throws Exception {
        Path out = deployment.resultsDir().resolve(run);
        try (LocalDeployment local = deployment.start(out.resolve("logs"), null, o::println, false);
             RunClient client = new RunClient(local.kafka())) {
            Numerics mode = readLog(local).run().config().numerics();
            if (numerics != null && Numerics.parse(numerics) != mode) {
                throw new IllegalArgumentException("--numerics " + numerics + ": run " + run + " was computed with "
                        + mode.label() + " numerics, and a resume continues in them");
            }
            local.startServices(mode, out.resolve("logs"));
            RunClient.RunLog result;
            // Following first, reading second: no round evaluated in between can be missed.
            try (RunClient.Follower f = client.follow(run)) {
                Replay.Log log = readLog(local);
                ExperimentConfig c = log.run().config();
                o.printf("run %s: %d rounds; the log holds rounds 0..%d complete, %d evaluated%n", run,
                        c.schedule().rounds(),
                        Math.max(log.ledger().lastCompleteRound(), 0), log.evaluatedRounds());
                RunResumed resume = log.resumeRequest(Instant.now());
                if (resume != null) {
                    client.publish(resume);
                    o.printf("resuming %s from round %d%n", run, resume.fromRound());
                    o.println("watch it live: " + local.pageUrl(run));
                } else {
                    o.printf("run %s is complete: nothing to resume%n", run);
                }
                result = f.await(c.schedule().rounds(), log.evaluated(), deployment.timeout(),
                        e -> o.printf(Locale.ROOT,
                        "round %d/%d  acc %.2f %% (min %.2f, max %.2f)%n", e.round(), c.schedule().rounds(),
                        e.accMean(),
                        e.accMin(), e.accMax()), m -> { });
                RunResult results = RunResult.ofLog(c, result.rounds(), concat(log.outcomes(), result.outcomes()),
                        concat(log.models(), result.models()));
                RunOutputs.write(out, results, "fmkt run " + run + " (resumed): layers " + c.fusion().layers());
                o.println();
                o.print(ResultTables.table(results.rounds()));
                o.printf("%nwrote %s (rounds.csv, pairs.csv, timings.csv, config.json, accuracy.png)%n", out);
            }
            deployment.finish(local);
        }
    }

    private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
