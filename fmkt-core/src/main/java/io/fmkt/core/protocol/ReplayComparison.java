package io.fmkt.core.protocol;

import io.fmkt.core.wire.RoundEvaluated;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A replay beside its parent, round by round: what {@code comparison.csv} and (fmkt-report's ReplayPlot) {@code comparison.png} show. */
public record ReplayComparison(String parentRunId, String replayId, List<Row> rows) {

    /** Parent values are NaN for a round the parent never had evaluated. */
    public record Row(int round, double parentMean, double replayMean, double parentStd, double replayStd) {
        public double delta() {
            return replayMean - parentMean;
        }
    }

    public ReplayComparison {
        rows = List.copyOf(rows);
    }

    public static ReplayComparison of(Replay.Log parent, String replayId, List<RoundEvaluated> replayed) {
        List<Row> rows = new ArrayList<>();
        for (RoundEvaluated e : replayed) {
            RoundEvaluated logged = parent.evaluated().get(e.round());
            rows.add(new Row(e.round(), logged == null ? Double.NaN : logged.accMean(), e.accMean(),
                    logged == null ? Double.NaN : logged.accStd(), e.accStd()));
        }
        return new ReplayComparison(parent.run().runId(), replayId, rows);
    }

    public String csv() {
        StringBuilder sb = new StringBuilder("round,parent_acc_mean,replay_acc_mean,delta,parent_acc_std,replay_acc_std\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%.4f%n", r.round(), r.parentMean(),
                    r.replayMean(), r.delta(), r.parentStd(), r.replayStd()));
        }
        return sb.toString();
    }

    public String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%5s  %12s  %12s  %8s%n", "round", "parent %",
                "replay %", "delta"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%5d  %12.2f  %12.2f  %+8.2f%n", r.round(), r.parentMean(),
                    r.replayMean(), r.delta()));
        }
        return sb.toString();
    }
}
