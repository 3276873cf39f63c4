package io.fmkt.service.client;

import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
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
 * Consumes fmkt.runs (a run starts: which clients this instance hosts, the experiment config) and
 * fmkt.fused (a receiver's fusion finished or was skipped), and, once the protocol is in, publishes
 * trained models on fmkt.models and fusion requests on fmkt.pairs. Raw records go through the
 * {@link Inbox}: what does not decode becomes a dead letter, never a stopped consumer.
 */
@ApplicationScoped
public class ClientProcessor {
    private static final Logger LOG = Logger.getLogger(ClientProcessor.class);

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    /** ModelPublished goes out here: {@code outbox.send(models, message)}. */
    @Inject
    @Channel("models")
    Emitter<byte[]> models;

    /** FusionRequested goes out here: {@code outbox.send(pairs, message)}. */
    @Inject
    @Channel("pairs")
    Emitter<byte[]> pairs;

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, RunStarted.class, this::handle);
    }

    /** fmkt.fused carries two types; any other type there is a dead letter (UNKNOWN_TYPE). */
    @Incoming("fused")
    @Blocking
    public void onFused(ConsumerRecord<String, byte[]> record) {
        inbox.acceptAny(record, this::dispatchFused);
    }

    private void dispatchFused(WireMessage m) {
        if (m instanceof FusionCompleted done) {
            handle(done);
        } else if (m instanceof PairSkipped skipped) {
            handle(skipped);
        }
    }

    /**
     * HOOK for the protocol: remember the run; if this instance hosts clients that are updaters in
     * round 0, train them and publish ModelPublished + FusionRequested.
     */
    void handle(RunStarted run) {
        LOG.debugf("run started (not implemented yet): %s", run.runId());
    }

    /** HOOK: a hosted receiver's fusion finished; adopt the kept model and go on to the next round. */
    void handle(FusionCompleted done) {
        LOG.debugf("fusion completed (not implemented yet): run=%s round=%d receiver=%d", done.runId(),
                done.round(), done.receiver());
    }

    /** HOOK: a hosted receiver's pair was skipped; keep its model and record the skip. */
    void handle(PairSkipped skipped) {
        LOG.debugf("pair skipped (not implemented yet): run=%s round=%d receiver=%d", skipped.runId(),
                skipped.round(), skipped.receiver());
    }
}
