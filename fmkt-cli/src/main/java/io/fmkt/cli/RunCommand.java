package io.fmkt.cli;

import io.fmkt.core.admission.RunLimits;
import io.fmkt.cli.ExperimentOptions;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.ResultTables;
import io.fmkt.report.RunOutputs;
import io.fmkt.core.results.RunResult;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment on the distributed services (Kafka + S3), starting the local stack and"
                + " services if they are not running; prints the URL of the run's live page on the eval-service and"
                + " writes results/<run-id>/.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions experiment;

    @Mixin
    DeploymentOptions deployment;

    @Mixin
    TrustOptions trust;

    @Option(names = "--run-id", description = "run id (default: generated from the time and seed)")
    String runId;

    @Option(names = "--kill-replicas", split = ",", paramLabel = "NAME", description = "fault test: kill -9 these"
            + " started processes (e.g. client-service-1,fusion-service-1 with --replicas) once round 1's first"
            + " fusion is done, without restart; the survivors take over, and the time they took is printed")
    List<String> killReplicas = List.of();

    @Override
    public Integer call() throws Exception {
        ExperimentConfig c = experiment.toConfig();
        String id = runId != null ? RunIds.validate(runId) : RunIds.newRunId("run", c.schedule().seed(),
                Clock.systemUTC());
        return trust.verdict(execute(c, id, deployment, killReplicas, System.out).result(), System.out);
    }

    /** A finished run: its directory and what it produced. */
    record Finished(Path out, RunResult result) {
    }

    /** Submits {@code c}, follows it to the end and writes the run directory. */
    static Finished execute(ExperimentConfig c, String id, DeploymentOptions d, PrintStream o) throws Exception {
        return execute(c, id, d, List.of(), o);
    }

    /** As above, killing the processes named in {@code kill} once round 1's first fusion is done. */
    static Finished execute(ExperimentConfig c, String id, DeploymentOptions d, List<String> kill, PrintStream o)
            throws Exception {
        RunLimits.fromEnvironment(System.getenv()).require(c); // refused here, in the services' words
        c = LocalDeployment.offerData(c, d.stateDir());
        Path out = d.resultsDir().resolve(id);
        long start = System.nanoTime();
        o.printf("fmkt run %s: %d clients, %d pairs/round, %d rounds, %s, width %d, layers %s, seed %d, %s numerics%n",
                id, c.data().clients(), c.schedule().pairs(), c.schedule().rounds(), c.data().partition(), c.width(),
                c.fusion().layers(), c.schedule().seed(), c.numerics().label());
        try (LocalDeployment local = d.start(out.resolve("logs"), c.numerics(), o::println, true);
             RunClient client = new RunClient(local.kafka())) {
            client.ensureTopics();
            kill.forEach(local::killable); // a wrong name fails now, not mid-run
            java.util.Map<String, Long> fusedBefore = local.fusedPairs();
            RunClient.RunLog log;
            o.println("watch it live: " + local.pageUrl(id));
            try (RunClient.Follower f = client.follow(id)) {
                client.publish(RunStarted.of(id, c, Instant.now()));
                final ExperimentConfig cfg = c;
                boolean[] killed = {false};
                log = f.await(c.schedule().rounds(), d.timeout(), e -> {
                    o.printf(Locale.ROOT, "round %d/%d  acc %.2f %% (min %.2f, max %.2f)  %.1f s%n", e.round(),
                            cfg.schedule().rounds(), e.accMean(), e.accMin(), e.accMax(),
                            (System.nanoTime() - start) / 1e9);
                }, m -> {
                    if (!kill.isEmpty() && !killed[0] && m instanceof FusionCompleted fc && fc.round() == 1) {
                        killed[0] = true; // mid-run: round 1's other fusions and all later work still to do
                        for (String name : kill) {
                            killNow(local, name);
                        }
                    }
                    if (m instanceof PairSkipped s) {
                        o.printf("round %d: pair %d->%d skipped: %s%n", s.round(), s.updater(), s.receiver(), s.reason());
                    } else if (m instanceof FusionCompleted fc && !fc.ok()) {
                        o.printf("round %d: fusion %d->%d failed: %s%n", fc.round(), fc.updater(), fc.receiver(),
                                fc.failure());
                    }
                });
            }
            RunResult result = log.result(c);
            RunOutputs.write(out, result, "fmkt run " + id + ": layers " + c.fusion().layers());
            o.println();
            o.print(ResultTables.table(result.rounds()));
            o.printf(Locale.ROOT, "%nwrote %s (rounds.csv, pairs.csv, timings.csv, config.json, accuracy.png, logs/)"
                    + " in %.1f s%n",
                    out, (System.nanoTime() - start) / 1e9);
            local.fusedPairs().forEach((worker, n) -> o.printf("%s fused %d pairs of this run%n", worker,
                    n - fusedBefore.getOrDefault(worker, 0L)));
            local.awaitReports(Duration.ofSeconds(30)); // a takeover that is still being timed
            d.finish(local);
            return new Finished(out, result);
        }
    }

    private static void killNow(LocalDeployment local, String name) {
        try {
            local.kill(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
