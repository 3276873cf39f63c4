package io.fmkt.service.eval;

import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.Replay;
import io.fmkt.core.protocol.ReplayComparison;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunResumed;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.RunHistory;
import io.fmkt.service.common.Runs;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Replays on a cluster, reading only Kafka and the object store (the operation {@code ./fmkt replay}
 * runs locally). Re-evaluation and counterfactual re-fusion run on this service's DJL thread and
 * are published as a run linked to its parent (RunStarted with replayOf, then its rounds), so they
 * show on the dashboard; client- and fusion-service ignore such runs. Resume publishes RunResumed.
 */
@ApplicationScoped
public class ReplayService {
    private static final Logger LOG = Logger.getLogger(ReplayService.class);

    /** @param state running, done or failed @param error why it failed, else null */
    public record Status(String replayId, String run, String mode, String state, String error, Integer fromRound,
            List<ReplayComparison.Row> rows) {
    }

    @Inject
    RunHistory history;
    @Inject
    Runs runs;
    @Inject
    DjlWorker worker;
    @Inject
    ObjectStore store;
    @Inject
    Outbox outbox;
    @Inject
    @Channel("control")
    Emitter<byte[]> control;
    @Inject
    @Channel("rounds")
    Emitter<byte[]> rounds;

    @Inject
    io.fmkt.service.common.Admission admission;

    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final Map<String, ReplayComparison> comparisons = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmkt-replays");
        t.setDaemon(true);
        return t;
    });

    /**
     * Reads the parent's log now (so a missing run or a bad request fails the call), then computes in
     * the background.
     */
    public Status submit(Replay.Request request, Instant since) {
        Replay.Log log = history.log(request.run(), since);
        if (request.mode() == Replay.Mode.RESUME) {
            RunResumed resume = log.resumeRequest(Instant.now());
            String id = request.run();
            if (resume == null) {
                return put(new Status(id, id, "resume", "done", null, null, List.of()));
            }
            outbox.sendAll(m -> control, List.of(resume));
            LOG.infof("run %s: resume requested from round %d", id, resume.fromRound());
            return put(new Status(id, id, "resume", "done", null, resume.fromRound(), List.of()));
        }
        try {
            admission.admit(log.run()); // within the limits, and only in the run's own numerics
        } catch (io.fmkt.core.wire.WireException e) {
            throw new IllegalArgumentException("cannot replay here: " + e.getMessage(), e);
        }
        String id = request.id(log.run().config());
        Status running = put(new Status(id, request.run(), request.mode().name().toLowerCase(java.util.Locale.ROOT),
                "running", null, request.from(), List.of()));
        executor.submit(() -> {
            try {
                RunStarted parent = log.run();
                List<RoundEvaluated> replayed = worker.call(() -> request.execute(log, new ModelStore(store),
                        runs.data(parent), Instant.now()));
                ReplayComparison c = ReplayComparison.of(log, id, replayed);
                comparisons.put(id, c);
                List<WireMessage> started = List.of(RunStarted.replay(id, request.config(parent.config()),
                        request.run(), Instant.now()));
                outbox.sendAll(m -> control, started);
                outbox.sendAll(m -> rounds, new ArrayList<>(replayed));
                put(new Status(id, running.run(), running.mode(), "done", null, running.fromRound(), c.rows()));
                LOG.infof("replay %s of %s: %d rounds published", id, request.run(), replayed.size());
            } catch (RuntimeException e) {
                LOG.warnf(e, "replay %s of %s failed", id, request.run());
                put(new Status(id, running.run(), running.mode(), "failed", e.getMessage(), running.fromRound(),
                        List.of()));
            }
        });
        return running;
    }

    private Status put(Status s) {
        statuses.put(s.replayId(), s);
        return s;
    }

    public Status status(String replayId) {
        return statuses.get(replayId);
    }

    public ReplayComparison comparison(String replayId) {
        return comparisons.get(replayId);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
