package io.fmkt.service.eval;

import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.RoundScorer;
import io.fmkt.core.protocol.RunLedger;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.RunHistory;
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
    io.fmkt.service.common.RunFollower follower;
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
    RunHistory history;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;
    @Inject
    io.fmkt.service.common.DeadLetters deadLetters;

    @Inject
    @Channel("rounds")
    Emitter<byte[]> rounds;

    /**
     * Per run: the ledger, the scorer (digest cache), the rounds published so far, and the records of
     * rounds not yet evaluated (acknowledged already): the ones to dead-letter if their objects fail
     * verification when the round is scored.
     */
    record RunView(RunStarted run, RunLedger ledger, RoundScorer scorer, List<RoundEvaluated> evaluated,
            Map<Integer, List<Source>> sources, Map<Integer, String> failed) {
    }

    /** A record of an event, and the object keys it names. */
    record Source(ConsumerRecord<String, byte[]> record, List<String> keys) {
        static Source of(ConsumerRecord<String, byte[]> record, RoundMessage m) {
            List<String> keys = new java.util.ArrayList<>();
            if (m instanceof ModelPublished p) {
                keys.add(p.weights().key());
            } else if (m instanceof io.fmkt.core.wire.FusionCompleted f && f.fused() != null) {
                keys.add(f.fused().key());
            }
            return new Source(record, keys);
        }
    }

    private final Map<String, RunView> views = new ConcurrentHashMap<>();

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        follower.onRun(record, this::takeUp);
    }

    private RunView newView(RunStarted run) {
        return new RunView(run, new RunLedger(run.runId(), run.config()), new RoundScorer(new ModelStore(store)),
                new java.util.concurrent.CopyOnWriteArrayList<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /**
     * Builds the run's view unless it exists, from what the log already holds (nothing for a new run;
     * models, outcomes and published rounds for a resumed or redelivered one), then evaluates every
     * complete round not yet published. A replay's view only collects the rounds its tool publishes.
     */
    void takeUp(RunStarted run) {
        if (views.containsKey(run.runId())) {
            return;
        }
        RunView v = newView(run);
        int logged = 0;
        if (!run.isReplay()) {
            List<RoundMessage> events = history.events(run, List.of(Topics.MODELS, Topics.FUSED, Topics.ROUNDS));
            logged = events.size();
            java.util.TreeMap<Integer, RoundEvaluated> published = new java.util.TreeMap<>();
            for (RoundMessage m : events) {
                if (m instanceof RoundEvaluated e) {
                    published.putIfAbsent(e.round(), e);
                } else {
                    v.ledger().record(m);
                }
            }
            for (int r = 1; published.containsKey(r); r++) {
                v.evaluated().add(published.get(r)); // after a gap, rounds are evaluated again, identically
            }
        }
        // The view first: registering releases this run's events waiting in runs.await.
        if (views.putIfAbsent(run.runId(), v) != null) {
            return;
        }
        runs.register(run);
        if (logged > 0) {
            LOG.infof("run %s taken up: %d events already logged, %d rounds already evaluated", run.runId(), logged,
                    v.evaluated().size());
            worker.submit("evaluating run " + run.runId(), () -> evaluateComplete(v));
        }
    }

    @Incoming("models")
    @Blocking
    public void onModel(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, ModelPublished.class, m -> handle(m, record));
    }

    @Incoming("fused")
    @Blocking
    public void onFused(ConsumerRecord<String, byte[]> record) {
        inbox.acceptAny(record, m -> handle((RoundMessage) m, record));
    }

    /**
     * A replay's rounds (computed by a replay tool from the log, see {@link ReplayService} and
     * {@code ./fmkt replay --publish}) feed the same gauges as live runs; live runs' rounds are this
     * service's own and were recorded when published.
     */
    @Incoming("rounds-in")
    @Blocking
    public void onRoundLogged(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, RoundEvaluated.class, e -> {
            follower.runOf(e.runId(), this::takeUp);
            RunView v = views.get(e.runId());
            if (v != null && v.run().isReplay() && e.round() == v.evaluated().size() + 1) {
                v.evaluated().add(e);
                gauges.record(e, v.run().config().schedule().rounds());
            }
        });
    }

    /**
     * Records the event in the run's ledger on the channel thread and queues the evaluation of every
     * round it completes on the DJL thread without waiting: the record is acknowledged at once, so
     * a long evaluation (many models, a slow machine) never holds records of fmkt.models or fmkt.fused
     * past the connector's unprocessed-record age. Nothing is lost by acknowledging early: after a
     * restart the run is rebuilt from the log ({@link #takeUp}) and unpublished rounds are evaluated.
     */
    void handle(RoundMessage event, ConsumerRecord<String, byte[]> record) {
        follower.runOf(event.runId(), this::takeUp);
        RunView v = views.get(event.runId());
        boolean fresh; // not a redelivery: it may complete a round
        synchronized (v.ledger()) {
            fresh = v.ledger().record(event);
        }
        // Every record, fresh or already known from the log: it may be the one to dead-letter.
        Source source = Source.of(record, event);
        if (!deadLetterIfFailed(v, source)) {
            List<Source> of = v.sources().computeIfAbsent(event.round(),
                    r -> new java.util.concurrent.CopyOnWriteArrayList<>());
            if (of.stream().noneMatch(o -> o.record().topic().equals(record.topic())
                    && o.record().partition() == record.partition() && o.record().offset() == record.offset())) {
                of.add(source);
            }
        }
        if (fresh) {
            worker.submit("evaluating run " + v.run().runId(), () -> evaluateComplete(v));
        }
    }

    /** Publishes every complete round not yet evaluated, in order. DJL thread only. */
    private void evaluateComplete(RunView v) {
        int last;
        synchronized (v.ledger()) {
            last = v.ledger().lastCompleteRound();
        }
        for (int r = v.evaluated().size() + 1; r <= last; r++) {
            List<RunLedger.ClientModel> models = new java.util.ArrayList<>();
            synchronized (v.ledger()) {
                for (int i = 0; i < v.run().config().data().clients(); i++) {
                    models.add(v.ledger().current(i, r));
                }
            }
            long t0 = System.nanoTime();
            int scoredBefore = v.scorer().modelsScored();
            RoundEvaluated e;
            try {
                e = v.scorer().evaluate(v.run().runId(), r, v.run().config(), models, runs.data(v.run()), Instant.now());
            } catch (io.fmkt.core.store.ObjectStoreException | io.fmkt.core.codec.CodecException bad) {
                deadLetterSources(v, r, bad);
                return; // the round stays unevaluated, as the run cannot be scored past a bad model
            }
            int done = r;
            v.sources().keySet().removeIf(round -> round <= done);
            registry.counter(Metrics.EVAL_MODELS, Metrics.TAG_RUN, e.runId())
                    .increment(v.scorer().modelsScored() - scoredBefore);
            registry.timer(Metrics.EVAL_DURATION, Metrics.TAG_RUN, e.runId())
                    .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            outbox.sendAll(m -> rounds, List.of(e));
            v.evaluated().add(e);
            gauges.record(e, v.run().config().schedule().rounds());
            LOG.infof("run %s round %d: accuracy mean %.2f %% (min %.2f, max %.2f)", e.runId(), e.round(),
                    e.accMean(), e.accMin(), e.accMax());
        }
    }

    /**
     * The records behind a round whose objects failed verification when it was scored (its events and
     * earlier ones not scored yet) that name the failed object, as dead letters with the reason; one
     * that arrives later (the run was taken up from the log first) is dead-lettered when it comes.
     */
    private void deadLetterSources(RunView v, int round, RuntimeException bad) {
        String why = String.valueOf(bad.getMessage());
        v.failed().put(round, "round " + round + " of run " + v.run().runId() + " cannot be scored: " + why);
        List<Source> sources = new java.util.ArrayList<>();
        for (Integer r : List.copyOf(v.sources().keySet())) {
            if (r <= round) { // the round's own events and the earlier ones it is the first to score
                List<Source> of = v.sources().remove(r);
                if (of != null) {
                    sources.addAll(of);
                }
            }
        }
        for (Source src : sources) {
            deadLetterIfFailed(v, src);
        }
        LOG.errorf("run %s round %d not evaluated: %s", v.run().runId(), round, why);
    }

    /** Dead-letters {@code src} if a failed scoring named one of its objects; says whether it did. */
    private boolean deadLetterIfFailed(RunView v, Source src) {
        for (String why : v.failed().values()) {
            if (src.keys().stream().anyMatch(why::contains)) {
                deadLetters.send(src.record(), new io.fmkt.core.wire.WireException(
                        io.fmkt.core.wire.WireException.Reason.UNVERIFIABLE_OBJECT, "object", why));
                return true;
            }
        }
        return false;
    }

    RunView view(String runId) {
        return views.get(runId);
    }

    java.util.Collection<RunView> views() {
        return views.values();
    }
}
