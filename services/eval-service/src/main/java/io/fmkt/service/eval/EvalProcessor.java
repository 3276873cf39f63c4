package io.fmkt.service.eval;

import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.RoundScorer;
import io.fmkt.core.protocol.RunLedger;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.Runs;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Observes each run's log: when all of a round's outcomes are in, scores every client's current
 * model on the global test set (each model digest once) and publishes {@link RoundEvaluated}.
 * Training never waits for this service.
 */
@ApplicationScoped
public class EvalProcessor {
    private static final Logger LOG = Logger.getLogger(EvalProcessor.class);

    @Inject
    Inbox inbox;
    @Inject
    Outbox outbox;
    @Inject
    Runs runs;
    @Inject
    DjlWorker worker;
    @Inject
    ObjectStore store;
    @Inject
    RoundGauges gauges;

    @Inject
    @Channel("rounds")
    Emitter<byte[]> rounds;

    /** Per run: the ledger, the scorer (digest cache) and the rounds published so far. */
    record RunView(RunStarted run, RunLedger ledger, RoundScorer scorer, List<RoundEvaluated> evaluated) {
    }

    private final Map<String, RunView> views = new ConcurrentHashMap<>();

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, RunStarted.class, run -> {
            // The view first: registering releases this run's events waiting in runs.await.
            views.putIfAbsent(run.runId(), new RunView(run, new RunLedger(run.runId(), run.config()),
                    new RoundScorer(new ModelStore(store)), new java.util.concurrent.CopyOnWriteArrayList<>()));
            runs.register(run);
        });
    }

    @Incoming("models")
    @Blocking
    public void onModel(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, ModelPublished.class, this::handle);
    }

    @Incoming("fused")
    @Blocking
    public void onFused(ConsumerRecord<String, byte[]> record) {
        inbox.acceptAny(record, m -> handle((RoundMessage) m));
    }

    void handle(RoundMessage event) {
        runs.await(event.runId());
        worker.run(() -> {
            RunView v = views.get(event.runId());
            boolean isNew = event instanceof ModelPublished mp ? v.ledger().onModel(mp) : v.ledger().onOutcome(event);
            if (!isNew) {
                return;
            }
            int last = v.ledger().lastCompleteRound();
            for (int r = v.evaluated().size() + 1; r <= last; r++) {
                RoundEvaluated e = v.scorer().evaluate(v.ledger(), r, runs.data(v.run()), Instant.now());
                outbox.sendAll(m -> rounds, List.of(e));
                v.evaluated().add(e);
                gauges.record(e, v.run().config().rounds());
                LOG.infof("run %s round %d: accuracy mean %.2f %% (min %.2f, max %.2f)", e.runId(), e.round(),
                        e.accMean(), e.accMin(), e.accMax());
            }
        });
    }

    RunView view(String runId) {
        return views.get(runId);
    }

    java.util.Collection<RunView> views() {
        return views.values();
    }
}
