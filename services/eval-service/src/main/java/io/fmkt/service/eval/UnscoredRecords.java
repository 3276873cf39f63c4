package io.fmkt.service.eval;

import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.WireException;
import io.fmkt.service.common.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A run's records of rounds not yet scored, already acknowledged (the evaluator acks at once): the
 * ones to dead-letter as {@code UNVERIFIABLE_OBJECT} if scoring finds an object they name unloadable.
 * A record that arrives after such a failure (the run was taken up from the log first) is
 * dead-lettered when it comes.
 */
final class UnscoredRecords {
    /** A record of an event, and the object keys it names. */
    private record Source(ConsumerRecord<String, byte[]> record, List<String> keys) {
        static Source of(ConsumerRecord<String, byte[]> record, RoundMessage m) {
            List<String> keys = new ArrayList<>();
            if (m instanceof ModelPublished p) {
                keys.add(p.weights().key());
            } else if (m instanceof FusionCompleted f && f.fused() != null) {
                keys.add(f.fused().key());
            }
            return new Source(record, keys);
        }

        boolean same(ConsumerRecord<String, byte[]> r) {
            return record.topic().equals(r.topic()) && record.partition() == r.partition()
                    && record.offset() == r.offset();
        }
    }

    private final Map<Integer, List<Source>> byRound = new ConcurrentHashMap<>();
    private final Map<Integer, String> failed = new ConcurrentHashMap<>();
    private final DeadLetters deadLetters;

    UnscoredRecords(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Every record, fresh or already known from the log: it may be the one to dead-letter. */
    void add(ConsumerRecord<String, byte[]> record, RoundMessage event) {
        Source source = Source.of(record, event);
        if (!deadLetterIfFailed(source)) {
            List<Source> of = byRound.computeIfAbsent(event.round(), r -> new CopyOnWriteArrayList<>());
            if (of.stream().noneMatch(o -> o.same(record))) {
                of.add(source);
            }
        }
    }

    /** Rounds up to {@code round} are scored: their records are done with. */
    void scored(int round) {
        byRound.keySet().removeIf(r -> r <= round);
    }

    /**
     * Round {@code round} failed: the records of it and of earlier rounds it was the first to score
     * that name the failed object are dead-lettered with the reason.
     */
    void failed(int round, String why) {
        failed.put(round, why);
        for (Integer r : List.copyOf(byRound.keySet())) {
            if (r <= round) {
                List<Source> of = byRound.remove(r);
                if (of != null) {
                    of.forEach(this::deadLetterIfFailed);
                }
            }
        }
    }

    private boolean deadLetterIfFailed(Source src) {
        for (String why : failed.values()) {
            if (src.keys().stream().anyMatch(why::contains)) {
                deadLetters.send(src.record(), new WireException(WireException.Reason.UNVERIFIABLE_OBJECT, "object", why));
                return true;
            }
        }
        return false;
    }
}
