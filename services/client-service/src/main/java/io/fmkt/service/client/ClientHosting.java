package io.fmkt.service.client;

import io.fmkt.core.protocol.ClientAgent;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Which clients of which runs this instance hosts: one {@link ClientAgent} per run and slot. Static
 * hosting ({@code all}, lists, {@code k/K}) is one slot; in group mode the slots are this replica's
 * partitions of fmkt.hosts, and a slot moves between replicas on its own, so its clients are dropped
 * or taken up from the log without touching the other slots' agents. DJL thread only, except
 * {@link #hosted}.
 */
final class ClientHosting {
    private static final Logger LOG = Logger.getLogger(ClientHosting.class);

    /** The slot of a static host set: one agent hosts all of it. */
    static final int STATIC = -1;

    /** Makes the agent of {@code clients} of {@code run}, recovered from the log. */
    interface Agents {
        ClientAgent create(RunStarted run, Set<Integer> clients, List<RoundMessage> logged);

        List<RoundMessage> logged(RunStarted run);
    }

    private final ClientSettings settings;
    private final Agents factory;
    private final Consumer<List<WireMessage>> publish;
    private final Map<String, RunStarted> taken = new ConcurrentHashMap<>(); // replays excluded
    private final Map<String, Map<Integer, ClientAgent>> agents = new ConcurrentHashMap<>();
    private volatile Set<Integer> slots = Set.of(STATIC);
    private volatile int slotCount = 1;
    // Group mode: while a rebalance is under way, events are held until it is known which slots stay.
    private boolean parked;
    private final List<RoundMessage> held = new ArrayList<>();
    // Agents in the middle of a call (the call stack of the DJL thread): they get their siblings'
    // messages from the log instead, as an agent is not re-entrant.
    private final Set<ClientAgent> busy = Collections.newSetFromMap(new IdentityHashMap<>());

    ClientHosting(ClientSettings settings, Agents factory, Consumer<List<WireMessage>> publish) {
        this.settings = settings;
        this.factory = factory;
        this.publish = publish;
        if (settings.grouped()) {
            slots = Set.of();
            parked = true; // nothing is hosted before the group's first assignment
        }
    }

    boolean taken(String runId) {
        return taken.containsKey(runId);
    }

    /** How many clients of {@code run} the slots owned now hold (a later takeover may add more). */
    int share(RunStarted run) {
        return slots.stream().mapToInt(s -> clientsOf(s, run).size()).sum();
    }

    /**
     * Takes up {@code run} with what the log held when it came ({@code logged}; null: reads it now),
     * unless parked: the assignment will.
     */
    void takeUp(RunStarted run, List<RoundMessage> logged) {
        if (taken.containsKey(run.runId())) {
            return;
        }
        if (!parked) {
            host(run, logged);
        }
        taken.put(run.runId(), run);
    }

    /**
     * Makes the agents of the owned slots of {@code run} that are missing, from {@code logged} (null:
     * read the log now), and drops those of slots no longer owned.
     */
    private void host(RunStarted run, List<RoundMessage> logged) {
        Map<Integer, ClientAgent> mine = agents.computeIfAbsent(run.runId(), id -> new TreeMap<>());
        for (Integer lost : new ArrayList<>(mine.keySet())) {
            if (!slots.contains(lost)) {
                LOG.infof("run %s: clients %s handed over (slot %d moved)", run.runId(), mine.remove(lost).hosted(), lost);
            }
        }
        if (mine.values().stream().anyMatch(ClientAgent::finished)) {
            return; // every round of the run is complete: nothing left to host
        }
        Set<Integer> gained = new TreeSet<>();
        List<ClientAgent> fresh = new ArrayList<>();
        for (int slot : slots) {
            Set<Integer> clients = clientsOf(slot, run);
            if (clients.isEmpty() || mine.containsKey(slot)) {
                continue;
            }
            if (logged == null) {
                logged = factory.logged(run);
            }
            ClientAgent agent = factory.create(run, clients, logged);
            agent.publishEagerly(messages -> publishAndHandOver(run.runId(), messages));
            mine.put(slot, agent);
            gained.addAll(agent.hosted());
            fresh.add(agent);
        }
        // Said before the agents start: their first trainings can take longer than the run needs to move on
        // (a replica killed mid-start has still said what it took up).
        if (!gained.isEmpty()) {
            LOG.infof("run %s: hosting clients %s of %d (taken up %s); %d events already logged, rounds 0..%d complete",
                    run.runId(), hosted(run.runId()), run.config().data().clients(), gained, logged.size(),
                    mine.values().iterator().next().ledger().lastCompleteRound());
        }
        // All made before any starts, so that each new agent hears of the others' initial models; round
        // 1's pairs first, so that each can act as soon as its two initial models are in.
        fresh.sort(java.util.Comparator.comparingInt(ClientAgent::startRank));
        List<WireMessage> out = new ArrayList<>();
        for (ClientAgent agent : fresh) {
            out.addAll(call(agent, () -> agent.start(Instant.now())));
        }
        for (ClientAgent agent : List.copyOf(mine.values())) { // those started early missed the last initial models
            out.addAll(call(agent, () -> agent.act(Instant.now())));
        }
        publish.accept(out);
    }

    private Set<Integer> clientsOf(int slot, RunStarted run) {
        int clients = run.config().data().clients(); // already within limits
        return slot == STATIC ? settings.hostedClients(clients) : ClientSettings.clientsOfSlot(slot, slotCount, clients);
    }

    /** The clients this instance hosts in {@code runId}; any thread. */
    SortedSet<Integer> hosted(String runId) {
        SortedSet<Integer> all = new TreeSet<>();
        agents.getOrDefault(runId, Map.of()).values().forEach(a -> all.addAll(a.hosted()));
        return all;
    }

    void onEvent(RoundMessage event) {
        if (parked) {
            held.add(event);
        } else {
            deliver(event);
        }
    }

    /**
     * Every agent takes the event in before any acts on it: an agent that trains because of it then
     * finds its receivers here already knowing that the round moved on.
     */
    private void deliver(RoundMessage event) {
        List<ClientAgent> to = List.copyOf(agents.getOrDefault(event.runId(), Map.of()).values());
        to.forEach(a -> a.recover(List.of(event)));
        for (ClientAgent agent : to) {
            if (!busy.contains(agent)) {
                publish.accept(call(agent, () -> agent.act(Instant.now())));
            }
        }
    }

    /**
     * Publishes what an agent made the moment it exists, and hands it at once to the run's other
     * agents here: a receiver in another slot of this replica asks for its fusion right after its
     * updater's model is stored, not after the trainings queued before the model's echo from the log.
     * The echo still comes, and an agent takes a message in once, so nothing depends on which way
     * arrives first.
     */
    private void publishAndHandOver(String runId, List<WireMessage> messages) {
        publish.accept(messages);
        if (parked) {
            return; // the slots may be moving: the log hands it on after the rebalance
        }
        List<ClientAgent> idle = agents.getOrDefault(runId, Map.of()).values().stream().filter(a -> !busy.contains(a)).toList();
        for (WireMessage m : messages) {
            if (m instanceof RoundMessage event) {
                idle.forEach(a -> a.recover(List.of(event)));
            }
        }
        for (ClientAgent agent : idle) { // requests only: trainings stay in the order of the outer loop
            publish.accept(call(agent, () -> agent.requestFusions(Instant.now())));
        }
    }

    private List<WireMessage> call(ClientAgent agent, Supplier<List<WireMessage>> work) {
        busy.add(agent);
        try {
            return work.get();
        } finally {
            busy.remove(agent);
        }
    }

    /** Forgets {@code runId}'s agents: a later {@link #takeUp} makes them again from the log. */
    void drop(String runId) {
        agents.remove(runId);
        taken.remove(runId);
    }

    /** A rebalance starts: this instance stops acting for any slot. */
    void park() {
        parked = true;
    }

    /**
     * A rebalance ends: hosts the clients of {@code owned} (of {@code count} slots) in every run taken
     * up, then hands on the events held meanwhile.
     */
    void assign(Set<Integer> owned, int count) {
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
    }

    /** Silent peers past the deadline are skipped. */
    void checkDeadlines(Instant now) {
        if (parked) {
            return;
        }
        agents.values().forEach(m -> List.copyOf(m.values()).forEach(a -> {
            if (!a.finished()) {
                publish.accept(call(a, () -> a.checkDeadlines(now)));
            }
        }));
    }
}
