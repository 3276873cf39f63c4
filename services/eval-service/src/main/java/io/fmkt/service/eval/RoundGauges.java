package io.fmkt.service.eval;

import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.service.common.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The latest round of each run as gauges: accuracy (mean/min/max), layer-wise CKA, progress. */
@ApplicationScoped
public class RoundGauges {
    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    private void set(String name, String run, String tagKey, String tagValue, double v) {
        values.computeIfAbsent(name + "|" + run + "|" + tagKey + "|" + tagValue, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, ref, AtomicReference::get).tag(Metrics.TAG_RUN, run).tag(tagKey, tagValue)
                    .register(registry);
            return ref;
        }).set(v);
    }

    void record(RoundEvaluated e, int totalRounds) {
        set(Metrics.ROUND_ACCURACY, e.runId(), Metrics.TAG_STAT, "mean", e.accMean() / 100);
        set(Metrics.ROUND_ACCURACY, e.runId(), Metrics.TAG_STAT, "min", e.accMin() / 100);
        set(Metrics.ROUND_ACCURACY, e.runId(), Metrics.TAG_STAT, "max", e.accMax() / 100);
        if (e.cka() != null) {
            for (int s = 0; s < e.cka().length; s++) {
                set(Metrics.ROUND_CKA, e.runId(), Metrics.TAG_STAGE, Integer.toString(s + 1), e.cka()[s]);
            }
        }
        set(Metrics.RUN_ROUND, e.runId(), Metrics.TAG_STAT, "evaluated", e.round());
        set(Metrics.RUN_ROUND, e.runId(), Metrics.TAG_STAT, "total", totalRounds);
    }
}
