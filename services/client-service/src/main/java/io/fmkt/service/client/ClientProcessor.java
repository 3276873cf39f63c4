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
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns the log into calls on {@link ClientAgent}s per run (fmkt-core holds the protocol) and
 * publishes what the agents decide: models on fmkt.models, fusion requests on fmkt.pairs, skips on
 * fmkt.fused. All agent work runs on the service's single DJL thread. Which clients this instance
 * hosts is static ({@link ClientSettings#ids}), or in group mode follows its share of fmkt.hosts
 * ({@link HostGroup}).
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

    /** The slot of a static host set ({@code all}, lists, {@code k/K}): one agent hosts all of it. */
    static final int STATIC = -1;

    /** Runs taken up (replays excluded), by id. */
    private final Map<String, RunStarted> taken = new ConcurrentHashMap<>();
    /**
     * Per run, one agent per hosted slot: a slot moves between replicas on its own (group mode), so its
     * clients are dropped or taken up without touching the other slots' agents and their state.
     */
    private final Map<String, Map<Integer, ClientAgent>> agents = new ConcurrentHashMap<>();

    // Group mode, written on the DJL thread: the owned slots of fmkt.hosts, and while a rebalance
    // is under way (parked) the events held back until it is known which slots stay here.
    private volatile Set<Integer> slots = Set.of(STATIC);
    private volatile int slotCount = 1;
    private boolean parked;
    private final List<RoundMessage> held = new ArrayList<>();

    @PostConstruct
    void init() {
        if (settings.grouped()) {
            slots = Set.of();
            parked = true; // nothing is hosted before the group's first assignment
        }
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

    void handle(RunStarted run) {
        if (run.isReplay()) {
            LOG.infof("run %s is a replay of %s, computed from the log: nothing to train", run.runId(), run.replayOf());
            return;
        }
        takeUp(run);
    }

    /**
     * Creates the run's agents unless it was taken up. An agent first takes in what the log already
     * holds for the run (nothing for a new run; everything before a crash for a resumed or redelivered
     * one), so it redoes nothing and continues with the first incomplete round.
     */
    private void takeUp(RunStarted run) {
        if (taken.containsKey(run.runId())) {
            return;
        }
        // The share hosted now: a survivor that takes over a dead replica's clients later may exceed
        // the limit (refusing then would leave them without a host).
        int share = 0;
        for (int slot : slots) {
            share += clientsOf(slot, run).size();
        }
        admission.admitHosted(run, share);
        // Read on the channel thread: the DJL thread keeps training other runs meanwhile.
        List<RoundMessage> logged = history.events(run, List.of(Topics.MODELS, Topics.FUSED));
        worker.run(() -> {
            if (taken.containsKey(run.runId())) {
                return;
            }
            if (!parked) { // else the coming assignment takes it up
                host(run, logged);
            }
            taken.put(run.runId(), run);
            // Only now may this run's events (other channels, waiting in runs.await) reach the agents.
            runs.register(run);
        });
    }

    /**
     * On the DJL thread: makes the agents of the owned slots of {@code run} that are missing, from
     * {@code logged} (null: read the log now), and drops those of slots no longer owned.
     */
    private void host(RunStarted run, List<RoundMessage> logged) {
        Map<Integer, ClientAgent> mine = agents.computeIfAbsent(run.runId(), id -> new java.util.TreeMap<>());
        for (Integer lost : new ArrayList<>(mine.keySet())) {
            if (!slots.contains(lost)) {
                LOG.infof("run %s: clients %s handed over (slot %d moved)", run.runId(), mine.remove(lost).hosted(), lost);
            }
        }
        if (mine.values().stream().anyMatch(ClientAgent::finished)) {
            return; // every round of the run is complete: nothing left to host
        }
        Set<Integer> gained = new java.util.TreeSet<>();
        List<WireMessage> out = new ArrayList<>();
        for (int slot : slots) {
            Set<Integer> clients = clientsOf(slot, run);
            if (clients.isEmpty() || mine.containsKey(slot)) {
                continue;
            }
            if (logged == null) {
                logged = history.events(run, List.of(Topics.MODELS, Topics.FUSED));
            }
            ClientAgent agent = new ClientAgent(run.runId(), run.config(), clients, new ModelStore(store),
                    runs.data(run), settings.deadline());
            agent.recover(logged);
            mine.put(slot, agent);
            gained.addAll(agent.hosted());
            out.addAll(agent.start(Instant.now()));
        }
        if (!gained.isEmpty()) {
            LOG.infof("run %s: hosting clients %s of %d (taken up %s); %d events already logged, rounds 0..%d complete",
                    run.runId(), hosted(run.runId()), run.config().clients(), gained, logged.size(),
                    mine.values().iterator().next().ledger().lastCompleteRound());
        }
        publish(out);
    }

    private Set<Integer> clientsOf(int slot, RunStarted run) {
        int clients = run.config().clients(); // already within limits
        return slot == STATIC ? settings.hostedClients(clients) : ClientSettings.clientsOfSlot(slot, slotCount, clients);
    }

    /** The clients this instance hosts in {@code runId}. */
    java.util.SortedSet<Integer> hosted(String runId) {
        java.util.SortedSet<Integer> all = new java.util.TreeSet<>();
        agents.getOrDefault(runId, Map.of()).values().forEach(a -> all.addAll(a.hosted()));
        return all;
    }

    void handle(RoundMessage event) {
        follower.runOf(event.runId(), this::handle);
        worker.run(() -> {
            if (parked) {
                held.add(event); // which slots stay here is known only once the rebalance is over
            } else {
                deliver(event);
            }
        });
    }

    private void deliver(RoundMessage event) {
        for (ClientAgent agent : agents.getOrDefault(event.runId(), Map.of()).values()) {
            publish(agent.onEvent(event, Instant.now()));
        }
    }

    /**
     * Group mode, from {@link HostGroup} when a rebalance starts: returns once this instance has stopped
     * acting for any slot (what it published is acknowledged: {@link Outbox#sendAll} waits), so the
     * next owner of a slot that moves starts from a log that holds all this instance did for it.
     */
    void park() {
        worker.run(() -> parked = true);
    }

    /**
     * Group mode, when a rebalance ends: hosts the clients of {@code owned} (of {@code count} slots) in
     * every run, taking up gained slots from the log as after a restart and dropping lost ones, then
     * hands on the events held meanwhile.
     */
    void assign(Set<Integer> owned, int count) {
        worker.run(() -> {
            slots = Set.copyOf(owned);
            slotCount = count;
            parked = false;
            for (RunStarted run : taken.values()) {
                try {
                    host(run, null);
                } catch (RuntimeException e) { // one run's failure must not leave the other runs unhosted
                    LOG.errorf(e, "run %s: cannot take up the clients of slots %s", run.runId(), owned);
                }
            }
            List<RoundMessage> events = new ArrayList<>(held);
            held.clear();
            for (RoundMessage e : events) {
                try {
                    deliver(e);
                } catch (RuntimeException ex) { // its channel acknowledged it already: log, keep going
                    LOG.errorf(ex, "run %s: held %s not handled", e.runId(), e.getClass().getSimpleName());
                }
            }
        });
    }

    /** Called periodically: silent peers past the deadline are skipped, and the skip is logged. */
    void checkDeadlines() {
        worker.run(() -> {
            if (parked) {
                return;
            }
            agents.values().forEach(m -> m.values().forEach(a -> {
                if (!a.finished()) {
                    publish(a.checkDeadlines(Instant.now()));
                }
            }));
        });
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
