package io.fmkt.service.eval;

import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.protocol.RunScoring;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireException;
import io.fmkt.service.common.DeadLetters;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.RunFollower;
import io.fmkt.service.common.RunHistory;
import io.fmkt.service.common.Runs;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Follows each run's log into a {@link RunScoring} (fmkt-core): when all of a round's outcomes are in,
 * scores every client's current model (each digest once) and publishes {@link RoundEvaluated}; a
 * model is scored as soon as it is known to be some client's model at the end of its round.
 * Records are acknowledged at once and scored on the DJL thread, so a long evaluation never holds
 * records past the connector's limits; after a restart the run is rebuilt from the log. Training
 * never waits for this service.
 */
@ApplicationScoped
public class EvalProcessor {
    private static final Logger LOG = Logger.getLogger(EvalProcessor.class);

    @Inject Inbox inbox;
    @Inject RunFollower follower;
    @Inject RoundPublisher publisher;
    @Inject Runs runs;
    @Inject DjlWorker worker;
    @Inject ObjectStore store;
    @Inject RoundGauges gauges;
    @Inject RunHistory history;
    @Inject DeadLetters deadLetters;
    @Inject RunDeadLetters runDeadLetters;
    @Inject WireCodec codec;

    /** A run's scoring, its records not yet scored, and what else was seen of it. */
    record RunView(RunScoring scoring, UnscoredRecords unscored, RunActivity activity) {
        RunStarted run() {
            return scoring.run();
        }

        List<RoundEvaluated> evaluated() {
            return scoring.evaluated();
        }
    }

    private final Map<String, RunView> views = new ConcurrentHashMap<>();

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        follower.onRun(record, this::takeUp);
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

    /** A replay's rounds, computed by a replay tool from the log, feed the same gauges as live runs. */
    @Incoming("rounds-in")
    @Blocking
    public void onRoundLogged(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, RoundEvaluated.class, e -> {
            follower.runOf(e.runId(), this::takeUp);
            RunView v = views.get(e.runId());
            if (v != null && v.run().isReplay() && v.scoring().accept(e)) {
                v.activity().saw(record.timestamp());
                gauges.record(e, v.run().config().schedule().rounds());
            }
        });
    }

    /**
     * Every service's dead letters, for each run's page. Read as they are, never dead-lettered again: a
     * letter that does not decode is only logged.
     */
    @Incoming("dead-letters")
    @Blocking
    public void onDeadLetter(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            runDeadLetters.add(codec.decode(record.value(), DeadLetter.class));
        } catch (WireException e) {
            LOG.debugf("fmkt.dlq offset %d is no dead letter: %s", record.offset(), e.getMessage());
        }
    }

    /** Builds the run's view from what the log holds, then scores what is complete; a replay's only collects. */
    void takeUp(RunStarted run) {
        if (views.containsKey(run.runId())) {
            return;
        }
        RunView v = new RunView(new RunScoring(run, new ModelStore(store)), new UnscoredRecords(deadLetters),
                new RunActivity(Instant.parse(run.createdAt())));
        List<RoundMessage> logged = run.isReplay() ? List.of()
                : history.events(run, List.of(Topics.MODELS, Topics.FUSED, Topics.ROUNDS));
        v.scoring().recover(logged);
        if (views.putIfAbsent(run.runId(), v) != null) {
            return;
        }
        runs.register(run); // releases this run's events waiting in runs.await
        if (!logged.isEmpty()) {
            LOG.infof("run %s taken up: %d events logged, %d rounds evaluated", run.runId(), logged.size(),
                    v.evaluated().size());
            worker.submit("evaluating run " + run.runId(), () -> evaluateComplete(v));
        }
    }

    void handle(RoundMessage event, ConsumerRecord<String, byte[]> record) {
        follower.runOf(event.runId(), this::takeUp);
        RunView v = views.get(event.runId());
        boolean fresh = v.scoring().record(event);
        v.unscored().add(record, event);
        v.activity().saw(record.timestamp());
        if (fresh) { // a redelivery completes no round
            worker.submit("evaluating run " + v.run().runId(), () -> evaluate(v));
        }
    }

    /**
     * DJL thread only. Complete rounds first; then the models recorded so far that rounds to come will
     * score, one at a time, so that the last round's evaluation overlaps the last fusions instead of
     * following them (a round completed meanwhile still goes out first).
     */
    private void evaluate(RunView v) {
        evaluateComplete(v);
        RunScoring.ScoredAhead s;
        while ((s = v.scoring().scoreNextAhead(runs.data(v.run()))) != null) {
            publisher.scoredAhead(v.run().runId(), s);
            evaluateComplete(v);
        }
    }

    /** DJL thread only. */
    private void evaluateComplete(RunView v) {
        try {
            v.scoring().evaluateComplete(runs.data(v.run()), Instant.now(), s -> {
                v.unscored().scored(s.round().round());
                v.activity().saw(Instant.now());
                publisher.publish(s, v.run().config().schedule().rounds());
            });
        } catch (RunScoring.RoundNotScored bad) {
            v.unscored().failed(bad.round(), "round " + bad.round() + " of run " + v.run().runId()
                    + " cannot be scored: " + bad.getCause().getMessage());
            v.activity().fail("round " + bad.round() + " cannot be scored: " + bad.getCause().getMessage());
            LOG.errorf("run %s round %d not evaluated: %s", v.run().runId(), bad.round(), bad.getCause().getMessage());
        }
    }

    RunView view(String runId) {
        return views.get(runId);
    }

    Collection<RunView> views() {
        return views.values();
    }
}
