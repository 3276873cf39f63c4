package io.fmkt.service.fusion;

import io.fmkt.core.wire.FusionRequested;
import io.fmkt.service.common.Inbox;
import io.fmkt.service.common.Outbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes fmkt.pairs (one {@link FusionRequested} per updater -> receiver pair) and, once the protocol
 * is in, publishes the outcome on fmkt.fused. Raw records go through the {@link Inbox}: what does not
 * decode becomes a dead letter, never a stopped consumer. Partitions of fmkt.pairs are shared out
 * across the instances of this service (one consumer group), keyed by receiver.
 */
@ApplicationScoped
public class FusionProcessor {
    private static final Logger LOG = Logger.getLogger(FusionProcessor.class);

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    /** FusionCompleted / PairSkipped go out here: {@code outbox.send(fused, message)}. */
    @Inject
    @Channel("fused")
    Emitter<byte[]> fused;

    /** Worker thread (a fusion trains for minutes); ordered per channel, which keeps a receiver's rounds in order. */
    @Incoming("pairs")
    @Blocking
    public void onPair(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, FusionRequested.class, this::handle);
    }

    /**
     * HOOK for the protocol: load both models from the object store, run FM-kt mutual distillation
     * (fmkt-core), store the kept model and send a FusionCompleted (or PairSkipped) on {@link #fused}.
     * A {@code WireException} thrown here also sends the record to the dead-letter topic.
     */
    void handle(FusionRequested request) {
        LOG.debugf("fusion requested (not implemented yet): run=%s round=%d %d -> %d", request.runId(),
                request.round(), request.updater(), request.receiver());
    }
}
