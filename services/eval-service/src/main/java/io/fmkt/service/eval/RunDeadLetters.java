package io.fmkt.service.eval;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each run's dead letters, as every service writes them to fmkt.dlq (a bad record read by two services is
 * two letters): how many, how many per reason, and the latest few, for the run page. A letter for the
 * run's own record on fmkt.runs means a service refused the run (limits, numerics, data): it cannot go
 * on there. Bounded: the latest {@link #MAX_RUNS} runs, {@link #MAX_REASONS} reasons a run.
 */
@ApplicationScoped
public class RunDeadLetters {
    static final int MAX_RUNS = 10_000;
    static final int MAX_REASONS = 32;
    static final int RECENT = 20;
    static final int DETAIL_CHARS = 500;
    static final String OTHER = "OTHER";

    /** One letter as the page shows it. */
    public record Letter(String reason, String topic, String detail, String at) {
    }

    /** @param refused whether a service refused the run itself (a letter for its record on fmkt.runs) */
    public record Summary(long count, Map<String, Long> reasons, List<Letter> recent, boolean refused) {
        static final Summary NONE = new Summary(0, Map.of(), List.of(), false);
    }

    private static final class Tally {
        long count;
        boolean refused;
        final Map<String, Long> reasons = new TreeMap<>();
        final ArrayDeque<Letter> recent = new ArrayDeque<>();
    }

    private final Map<String, Tally> runs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
            return size() > MAX_RUNS;
        }
    };

    synchronized void add(DeadLetter d) {
        if (d.runId() == null) {
            return; // no run to show it on
        }
        Tally t = runs.computeIfAbsent(d.runId(), k -> new Tally());
        t.count++;
        t.refused |= Topics.RUNS.equals(d.originalTopic());
        String reason = t.reasons.containsKey(d.reason()) || t.reasons.size() < MAX_REASONS ? d.reason() : OTHER;
        t.reasons.merge(reason, 1L, Long::sum);
        String detail = d.detail() == null || d.detail().length() <= DETAIL_CHARS ? d.detail()
                : d.detail().substring(0, DETAIL_CHARS) + "...";
        t.recent.addFirst(new Letter(d.reason(), d.originalTopic(), detail, d.at()));
        if (t.recent.size() > RECENT) {
            t.recent.removeLast();
        }
    }

    synchronized Summary of(String runId) {
        Tally t = runs.get(runId);
        return t == null ? Summary.NONE
                : new Summary(t.count, Map.copyOf(t.reasons), List.copyOf(t.recent), t.refused);
    }
}
