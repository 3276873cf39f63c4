package io.fmkt.service.common;

import java.time.Clock;
import java.util.concurrent.CompletionStage;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Parks refused records on {@link Topics#DLQ} as {@link DeadLetter}s and counts them
 * ({@value Metrics#DEAD_LETTERS}, tagged reason and original topic).
 *
 * <p>Why a SmallRye {@code @Channel("dlq")} emitter and not a plain KafkaProducer: the dead-letter
 * producer then shares the one Kafka configuration of the service ({@code kafka.bootstrap.servers},
 * security settings, and anything under {@code mp.messaging.outgoing.dlq.*}), shows up in the
 * readiness check and Kafka client metrics like every other channel, and its lifecycle is the
 * application's. The connector's own {@code failure-strategy=dead-letter-queue} is not used because
 * it writes the raw record, not a {@link DeadLetter} that says why.
 *
 * <p>Every service must declare the channel ({@code mp.messaging.outgoing.dlq.*}, topic fmkt.dlq).
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Channel("dlq")
    Emitter<byte[]> dlq;

    @Inject
    Outbox outbox;

    @Inject
    MeterRegistry registry;

    Clock clock = Clock.systemUTC();

    /** A dead letter for a record that failed to decode (or whose content broke a record invariant). */
    public CompletionStage<Void> send(ConsumerRecord<String, byte[]> record, WireException error) {
        return send(DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                error, clock.instant()));
    }

    /** A dead letter with a consumer's own reason code, e.g. {@code DIGEST_MISMATCH}. */
    public CompletionStage<Void> send(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        return send(DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                reason, detail, clock.instant()));
    }

    /** Sends {@code letter}; the counter moves once the broker has it. */
    public CompletionStage<Void> send(DeadLetter letter) {
        LOG.warnf("dead letter: %s from %s-%d@%d key=%s: %s", letter.reason(), letter.originalTopic(),
                letter.partition(), letter.offset(), letter.key(), letter.detail());
        Counter counter = Counter.builder(Metrics.DEAD_LETTERS)
                .description("Messages refused and parked on " + Topics.DLQ)
                .tag(Metrics.TAG_REASON, letter.reason())
                .tag(Metrics.TAG_TOPIC, letter.originalTopic())
                .register(registry);
        return outbox.send(dlq, letter).thenRun(counter::increment);
    }
}
