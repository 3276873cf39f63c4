package io.fmkt.cli;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.study.StudyExecutor;
import io.fmkt.study.StudyRun;
import io.fmkt.core.wire.RunIds;
import io.fmkt.core.wire.RunStarted;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Submits a study's runs to the services, {@code inFlight} at a time: each is an ordinary run
 * (its own run id, RunStarted, log and objects), followed through Kafka like {@code ./fmkt run}.
 * Every run gets a fresh id, so a resumed study never collides with a half-finished earlier one.
 */
final class DistributedExecutor implements StudyExecutor {
    private final RunClient client;
    private final int inFlight;
    private final Duration timeout;
    private final PrintStream progress;

    private final java.nio.file.Path stateDir;
    private final java.util.function.UnaryOperator<String> page;

    /**
     * @param stateDir the local deployment's, whose data root the services read datasets from
     * @param page     a run id's page URL, printed as each run is submitted
     */
    DistributedExecutor(RunClient client, int inFlight, Duration timeout, java.nio.file.Path stateDir,
            java.util.function.UnaryOperator<String> page, PrintStream progress) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("--in-flight must be >= 1, got " + inFlight);
        }
        this.client = client;
        this.inFlight = inFlight;
        this.timeout = timeout;
        this.progress = progress;
        this.stateDir = stateDir;
        this.page = page;
    }

    @Override
    public String mode() {
        return "distributed";
    }

    @Override
    public void runAll(List<StudyRun> pending, Finished finished) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (StudyRun run : pending) {
                futures.add(pool.submit(() -> {
                    runOne(run, finished);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(); // the first failure ends the study; finished runs stay committed
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void runOne(StudyRun run, Finished finished) throws Exception {
        ExperimentConfig c = LocalDeployment.offerData(run.config(), stateDir);
        String id = RunIds.newRunId("study", c.schedule().seed(), Clock.systemUTC());
        long start = System.nanoTime();
        RunClient.RunLog log;
        try (RunClient.Follower f = client.follow(id)) {
            client.publish(RunStarted.of(id, c, Instant.now()));
            progress.printf("  %s (%s): %s%n", run.key(), id, page.apply(id));
            log = f.await(c.schedule().rounds(), timeout, e -> progress.printf(Locale.ROOT,
                    "  %s (%s) round %d/%d  acc %.2f %%%n", run.key(), id, e.round(), c.schedule().rounds(),
                    e.accMean()), m -> {
                    });
        }
        synchronized (finished) {
            // run.config(), not c: config.json records the study's own config (data path as given).
            finished.accept(run, id, log.result(run.config()), (System.nanoTime() - start) / 1e9);
        }
    }
}
