package io.fmkt.service.client;

import io.fmkt.core.protocol.ClientAgent;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireMessage;
import io.fmkt.service.common.Admission;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.RunFollower;
import io.fmkt.service.common.RunHistory;
import io.fmkt.service.common.Runs;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns the log into calls on the hosted {@link ClientAgent}s ({@link ClientHosting}; fmkt-core holds
 * the protocol) and publishes what they decide: models on fmkt.models, fusion requests on fmkt.pairs,
 * skips on fmkt.fused. All agent work runs on the service's single DJL thread.
 *
 * <p>Models are stored behind the agents ({@link ModelStore#writeBehind}): the DJL thread goes on to
 * the next model while the last one uploads, and one publisher thread sends the messages in the order
 * the agents made them, each once the objects it names are stored. A message whose upload or send
 * failed stays back, and the run's agents here are made again from the log a little later
 * ({@link #retake}): the log lacks that message, so they redo it.
 */
@ApplicationScoped
public class ClientProcessor {
    private static final Logger LOG = Logger.getLogger(ClientProcessor.class);

    @Inject Inbox inbox;
    @Inject RunFollower follower;
    @Inject Outbox outbox;
    @Inject Runs runs;
    @Inject DjlWorker worker;
    @Inject ObjectStore store;
    @Inject ClientSettings settings;
    @Inject RunHistory history;
    @Inject MeterRegistry registry;
    @Inject Admission admission;
    @Inject @Channel("models") Emitter<byte[]> modelsOut;
    @Inject @Channel("pairs") Emitter<byte[]> pairs;
    @Inject @Channel("skips") Emitter<byte[]> skips;

    /** How long after a failed upload or send the run is taken up again from the log. */
    static final java.time.Duration RETAKE_AFTER = java.time.Duration.ofSeconds(2);
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmkt-publish");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> retaking = ConcurrentHashMap.newKeySet(); // runs to take up again, soon
    private ClientHosting hosting;
    private ModelStore models;

    @PostConstruct
    void init() {
        models = ModelStore.writeBehind(store);
        hosting = new ClientHosting(settings, new ClientHosting.Agents() {
            @Override
            public ClientAgent create(RunStarted run, Set<Integer> clients, List<RoundMessage> logged) {
                ClientAgent agent = new ClientAgent(run.runId(), run.config(), clients, models,
                        runs.data(run), settings.deadline());
                agent.recover(logged);
                return agent;
            }

            @Override
            public List<RoundMessage> logged(RunStarted run) {
                return history.events(run, List.of(Topics.MODELS, Topics.FUSED));
            }
        }, this::publish);
    }

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        follower.onRun(record, this::handle); // a resumed run is taken up only if this instance lost it
    }

    @Incoming("models-in")
    @Blocking
    public void onModel(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, ModelPublished.class, this::handle);
    }

    @Incoming("fused")
    @Blocking
    public void onFused(ConsumerRecord<String, byte[]> record) {
        inbox.acceptAny(record, m -> handle((RoundMessage) m));
    }

    /**
     * Takes the run up unless it was: its agents first take in what the log holds (everything before
     * a crash for a resumed or redelivered run), so they redo nothing.
     */
    void handle(RunStarted run) {
        if (run.isReplay()) {
            LOG.infof("run %s is a replay of %s, computed from the log: nothing to train", run.runId(), run.replayOf());
            return;
        }
        if (hosting.taken(run.runId())) {
            return;
        }
        admission.admitHosted(run, hosting.share(run));
        runs.prepare(run); // while the log is read
        List<RoundMessage> logged = history.events(run, List.of(Topics.MODELS, Topics.FUSED)); // off the DJL thread
        worker.run(() -> {
            if (!hosting.taken(run.runId())) {
                // Known from here on: the run's events (its own initial models' echoes first) queue on this
                // thread behind the take-up, instead of each reading the run back from the log as a lost one.
                runs.register(run);
                try {
                    hosting.takeUp(run, logged);
                } catch (RuntimeException e) {
                    runs.forget(run.runId()); // the next event takes the run up again, from the log
                    throw e;
                }
            }
        });
    }

    void handle(RoundMessage event) {
        follower.runOf(event.runId(), this::handle);
        worker.run(() -> hosting.onEvent(event));
    }

    /**
     * Group mode ({@link HostGroup}), when a rebalance starts: returns once this instance has stopped
     * acting for any slot (what it published is acknowledged: {@link Outbox#sendAll} waits), so the
     * next owner of a slot starts from a log that holds all this instance did for it.
     */
    void park() {
        worker.run(hosting::park);
        drain();
    }

    /** Returns once everything queued for publication so far is sent (or dropped after a failure). */
    void drain() {
        try {
            publisher.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        publisher.shutdown(); // what is queued still goes out
        publisher.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Group mode, when a rebalance ends: hosts the clients of the {@code owned} slots of {@code count}. */
    void assign(Set<Integer> owned, int count) {
        worker.run(() -> hosting.assign(owned, count));
    }

    /** Called periodically: silent peers past the deadline are skipped, and the skip is logged. */
    void checkDeadlines() {
        worker.run(() -> hosting.checkDeadlines(Instant.now()));
    }

    SortedSet<Integer> hosted(String runId) {
        return hosting.hosted(runId);
    }

    /** Queues the agents' messages; they go out in this order, each once its objects are stored. */
    private void publish(List<WireMessage> out) {
        if (out.isEmpty()) {
            return;
        }
        CompletableFuture<Void> stored = models.whenNamedStored(out);
        publisher.execute(() -> send(out, stored));
    }

    private void send(List<WireMessage> out, CompletableFuture<Void> stored) {
        try {
            stored.join();
            outbox.sendAll(m -> m instanceof FusionRequested ? pairs : m instanceof PairSkipped ? skips : modelsOut, out);
        } catch (RuntimeException e) {
            Throwable why = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            out.stream().map(WireMessage::runId).distinct().map(runs::find).filter(java.util.Objects::nonNull)
                    .forEach(run -> retake(run, why));
            return;
        }
        for (WireMessage m : out) {
            if (m instanceof ModelPublished mp && mp.role() == ModelPublished.Role.UPDATER) {
                registry.counter(Metrics.TRAIN_IMAGES).increment(mp.trainImages());
            }
        }
    }

    /**
     * A message of {@code run} could not be stored or sent, yet its agent moved on as if it had been:
     * a little later, its agents here are made again from the log, which lacks that message, so they
     * redo it (the same content: every step is a function of the logged models). What did go out is
     * not redone, and a duplicate is taken in once.
     */
    private void retake(RunStarted run, Throwable why) {
        if (!retaking.add(run.runId())) {
            return; // one take-up covers every failure until it starts
        }
        LOG.errorf(why, "run %s: a message could not be stored or sent; its clients here are taken up again from the log"
                + " in %d s", run.runId(), RETAKE_AFTER.toSeconds());
        CompletableFuture.delayedExecutor(RETAKE_AFTER.toMillis(), TimeUnit.MILLISECONDS).execute(() ->
                worker.submit("taking run " + run.runId() + " up again", () -> {
                    retaking.remove(run.runId());
                    hosting.drop(run.runId());
                    try {
                        hosting.takeUp(run, null); // the log is read here, so no event falls between read and take-up
                    } catch (RuntimeException e) {
                        retake(run, e);
                    }
                }));
    }
}
