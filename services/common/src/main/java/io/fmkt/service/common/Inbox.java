package io.fmkt.service.common;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.fmkt.core.wire.RunResumed;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireException;
import io.fmkt.core.wire.WireMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The front door of every consumer: decodes a raw record with {@link WireCodec} and hands the message
 * to the service's logic; a record that does not decode, or whose handling finds it invalid (any
 * {@link WireException}), goes to the dead-letter topic instead of stopping the channel.
 *
 * <p>Channels receive {@code ConsumerRecord<String, byte[]>} rather than letting Kafka deserialize
 * JSON, because a deserializer failure happens inside the connector, before any code of ours can
 * say why, and (with the default failure strategy) stops the channel. What the handler rejects as
 * bad input (see {@link #rejection}) is dead-lettered too; any other exception nacks the record and
 * the channel's {@code failure-strategy} applies (default {@code fail}: the channel stops and
 * readiness goes DOWN, which is visible).
 *
 * <p>Blocks until the dead letter is acknowledged, so the original offset is committed only after
 * its dead letter is safely written. Call it from a worker thread ({@code @Blocking}).
 */
@ApplicationScoped
public class Inbox {
    private static final Logger LOG = Logger.getLogger(Inbox.class);
    static final Duration DLQ_TIMEOUT = Duration.ofSeconds(60);

    @Inject
    WireCodec codec;

    @Inject
    DeadLetters deadLetters;

    @Inject
    Admission admission;

    @Inject
    Runs runs;

    /** Decodes a message that must be of {@code type}, then runs {@code handler}. */
    public <T extends WireMessage> void accept(ConsumerRecord<String, byte[]> record, Class<T> type,
            Consumer<? super T> handler) {
        if (isTombstone(record)) {
            return;
        }
        try {
            handler.accept(codec.decode(record.value(), type));
        } catch (RuntimeException e) {
            deadLetter(record, rejection(e));
        }
    }

    /**
     * Decodes any message type that belongs on the record's topic ({@link Topics#topicOf}), e.g.
     * FusionCompleted or PairSkipped on fmkt.fused; another type is {@code UNKNOWN_TYPE}.
     */
    public void acceptAny(ConsumerRecord<String, byte[]> record, Consumer<? super WireMessage> handler) {
        if (isTombstone(record)) {
            return;
        }
        try {
            WireMessage m = codec.decodeAny(record.value());
            if (!Topics.topicOf(m).equals(record.topic())) {
                throw new WireException(WireException.Reason.UNKNOWN_TYPE, "type", "type '" + m.type().wireName()
                        + "' does not belong on " + record.topic() + " (it goes to " + Topics.topicOf(m) + ")");
            }
            admit(m);
            handler.accept(m);
        } catch (RuntimeException e) {
            deadLetter(record, rejection(e));
        }
    }

    /**
     * A run this process does not take on ({@link Admission}) is refused at its start, before anything
     * is allocated for it, and so are its later events ({@link Runs#await}).
     */
    private void admit(WireMessage m) {
        RunStarted run = m instanceof RunStarted r ? r : m instanceof RunResumed rr ? rr.started() : null;
        if (run != null) {
            try {
                admission.admit(run);
            } catch (WireException refused) {
                runs.refuse(run.runId(), refused);
                throw refused;
            }
        }
    }

    /**
     * Bad input, as a dead-letter reason: undecodable or invalid messages, objects that are missing
     * or fail verification (digest, size, codec header: a wrong architecture), and arguments the
     * protocol refuses (a client outside the run, an unscheduled pair). Anything else is a fault of
     * this service, not of the message: it is rethrown and stops the channel, visibly.
     */
    static WireException rejection(RuntimeException e) {
        if (e instanceof WireException w) {
            return w;
        }
        if (e instanceof io.fmkt.core.store.ObjectStoreException || e instanceof io.fmkt.core.codec.CodecException) {
            return new WireException(WireException.Reason.UNVERIFIABLE_OBJECT, "object", e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new WireException(WireException.Reason.INVALID_VALUE, "message", e.getMessage());
        }
        if (e instanceof java.io.UncheckedIOException) {
            return new WireException(WireException.Reason.INVALID_VALUE, "config.data.name", e.getMessage());
        }
        throw e;
    }

    /** A null value deletes a key on a compacted topic (fmkt.runs); it is not a message. */
    private static boolean isTombstone(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            LOG.debugf("skipping tombstone %s-%d@%d key=%s", record.topic(), record.partition(), record.offset(),
                    record.key());
            return true;
        }
        return false;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, WireException e) {
        try {
            deadLetters.send(record, e).toCompletableFuture().get(DLQ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", ie);
        } catch (ExecutionException | TimeoutException failure) {
            // Not acknowledging the original is the only safe answer: it must not vanish unrecorded.
            IllegalStateException ise = new IllegalStateException("cannot write dead letter for " + record.topic()
                    + "-" + record.partition() + "@" + record.offset(), failure);
            ise.addSuppressed(e);
            throw ise;
        }
    }
}
