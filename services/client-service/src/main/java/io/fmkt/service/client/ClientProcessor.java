package io.fmkt.service.client;

import io.fmkt.core.protocol.ClientAgent;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireMessage;
import io.fmkt.service.common.DjlWorker;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.common.Outbox;
import io.fmkt.service.common.RunHistory;
import io.fmkt.service.common.Runs;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Turns the log into calls on one {@link ClientAgent} per run (fmkt-core holds the protocol) and
 * publishes what the agents decide: models on fmkt.models, fusion requests on fmkt.pairs, skips on
 * fmkt.fused. All agent work runs on the service's single DJL thread.
 */
@ApplicationScoped
public class ClientProcessor {
    private static final Logger LOG = Logger.getLogger(ClientProcessor.class);

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
    ClientSettings settings;
    @Inject
    RunHistory history;
    @Inject
    MeterRegistry registry;

    @Inject
    @Channel("models")
    Emitter<byte[]> models;
    @Inject
    @Channel("pairs")
    Emitter<byte[]> pairs;
    @Inject
    @Channel("skips")
    Emitter<byte[]> skips;

    @Inject
    io.fmkt.service.common.Admission admission;

    private final Map<String, ClientAgent> agents = new ConcurrentHashMap<>();

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

    void handle(RunStarted run) {
        if (run.isReplay()) {
            LOG.infof("run %s is a replay of %s, computed from the log: nothing to train", run.runId(), run.replayOf());
            return;
        }
        takeUp(run);
    }

    /**
     * Creates the run's agent unless it exists. The agent first takes in what the log already holds
     * for the run (nothing for a new run; everything before a crash for a resumed or redelivered one),
     * so it redoes nothing and continues with the first incomplete round.
     */
    private void takeUp(RunStarted run) {
        if (agents.containsKey(run.runId())) {
            return;
        }
        // clients: already within limits
        java.util.Set<Integer> hosted = settings.hostedClients(run.config().data().clients());
        admission.admitHosted(run, hosted.size());
        // Read on the channel thread: the DJL thread keeps training other runs meanwhile.
        List<RoundMessage> logged = history.events(run, List.of(Topics.MODELS, Topics.FUSED));
        worker.run(() -> {
            if (agents.containsKey(run.runId())) {
                return;
            }
            ClientAgent agent = new ClientAgent(run.runId(), run.config(), hosted, new ModelStore(store),
                    runs.data(run), settings.deadline());
            agent.recover(logged);
            agents.put(run.runId(), agent);
            // Only now may this run's events (other channels, waiting in runs.await) reach the agent.
            runs.register(run);
            LOG.infof("run %s: hosting clients %s of %d; %d events already logged, rounds 0..%d complete",
                    run.runId(), agent.hosted(), run.config().data().clients(), logged.size(),
                    agent.ledger().lastCompleteRound());
            publish(agent.start(Instant.now()));
        });
    }

    void handle(RoundMessage event) {
        follower.runOf(event.runId(), this::handle);
        worker.run(() -> {
            ClientAgent agent = agents.get(event.runId());
            if (agent != null) {
                publish(agent.onEvent(event, Instant.now()));
            }
        });
    }

    /** Called periodically: silent peers past the deadline are skipped, and the skip is logged. */
    void checkDeadlines() {
        worker.run(() -> agents.values().forEach(a -> {
            if (!a.finished()) {
                publish(a.checkDeadlines(Instant.now()));
            }
        }));
    }

    private void publish(List<WireMessage> out) {
        for (WireMessage m : out) {
            if (m instanceof ModelPublished mp && mp.role() == ModelPublished.Role.UPDATER) {
                registry.counter(Metrics.TRAIN_IMAGES).increment(mp.trainImages());
            }
        }
        outbox.sendAll(m -> m instanceof FusionRequested ? pairs : m instanceof PairSkipped ? skips : models, out);
    }
}
