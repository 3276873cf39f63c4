package io.fmkt.service.eval;

import io.fmkt.core.protocol.RunScoring;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.common.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/** A scored round goes out: on fmkt.rounds, into the metrics and gauges, and into the log. */
@ApplicationScoped
class RoundPublisher {
    private static final Logger LOG = Logger.getLogger(RoundPublisher.class);

    @Inject Outbox outbox;
    @Inject RoundGauges gauges;
    @Inject MeterRegistry registry;
    @Inject @Channel("rounds") Emitter<byte[]> rounds;

    /** A model scored before its round completed: the same counters as the round's own scoring. */
    void scoredAhead(String runId, RunScoring.ScoredAhead s) {
        registry.counter(Metrics.EVAL_MODELS, Metrics.TAG_RUN, runId).increment(s.modelsScored());
        registry.timer(Metrics.EVAL_DURATION, Metrics.TAG_RUN, runId).record(s.nanos(), TimeUnit.NANOSECONDS);
    }

    void publish(RunScoring.Scored s, int totalRounds) {
        RoundEvaluated e = s.round();
        registry.counter(Metrics.EVAL_MODELS, Metrics.TAG_RUN, e.runId()).increment(s.modelsScored());
        registry.timer(Metrics.EVAL_DURATION, Metrics.TAG_RUN, e.runId()).record(s.nanos(), TimeUnit.NANOSECONDS);
        outbox.sendAll(m -> rounds, List.of(e));
        gauges.record(e, totalRounds);
        LOG.infof("run %s round %d: accuracy mean %.2f %% (min %.2f, max %.2f)", e.runId(), e.round(), e.accMean(),
                e.accMin(), e.accMax());
    }
}
