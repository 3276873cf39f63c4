package io.fmkt.service.eval;

import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
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
 * Observes a run: fmkt.runs (the config), fmkt.models (updaters' trained models) and fmkt.fused
 * (receivers' fused models), and, once the protocol is in, scores every client's current model on
 * the global test set and publishes RoundEvaluated on fmkt.rounds. Training never waits for it.
 * Raw records go through the {@link Inbox}: what does not decode becomes a dead letter.
 */
@ApplicationScoped
public class EvalProcessor {
    private static final Logger LOG = Logger.getLogger(EvalProcessor.class);

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    /** RoundEvaluated goes out here: {@code outbox.send(rounds, message)}. */
    @Inject
    @Channel("rounds")
    Emitter<byte[]> rounds;

    @Incoming("runs")
    @Blocking
    public void onRun(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, RunStarted.class, this::handle);
    }

    @Incoming("models")
    @Blocking
    public void onModel(ConsumerRecord<String, byte[]> record) {
        inbox.accept(record, ModelPublished.class, this::handle);
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

    /** HOOK for the protocol: remember the run's config (clients, Q, test set, model width). */
    void handle(RunStarted run) {
        LOG.debugf("run started (not implemented yet): %s", run.runId());
    }

    /** HOOK: an updater's new model is that client's current model. */
    void handle(ModelPublished model) {
        LOG.debugf("model published (not implemented yet): run=%s round=%d client=%d", model.runId(),
                model.round(), model.client());
    }

    /** HOOK: a receiver's kept model; when all Q pairs of a round are in, evaluate and publish. */
    void handle(FusionCompleted done) {
        LOG.debugf("fusion completed (not implemented yet): run=%s round=%d receiver=%d", done.runId(),
                done.round(), done.receiver());
    }

    /** HOOK: a skipped pair still completes its slot of the round. */
    void handle(PairSkipped skipped) {
        LOG.debugf("pair skipped (not implemented yet): run=%s round=%d receiver=%d", skipped.runId(),
                skipped.round(), skipped.receiver());
    }
}
