package io.fmkt.core.results;

import io.fmkt.core.train.FusionLosses;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import java.util.Locale;

/**
 * One scheduled pair's outcome as every mode reports it: the simulator from its {@link PairOutcome},
 * the services from the log ({@link FusionCompleted} or {@link PairSkipped}, plus the updater's
 * {@link ModelPublished} for the local loss). The same seed gives the same values in both; only the
 * two wall-clock times differ between runs, so the results writer keeps them apart.
 *
 * @param kept      {@code received} or {@code own} (a failed fusion keeps the receiver's own
 *                  previous model); null when the pair was skipped
 * @param localLoss the updater's mean local training loss; NaN when its update failed or is unknown
 * @param losses    the fusion's loss trace; {@link FusionLosses#NONE} when the pair was skipped
 * @param reason    why a fusion failed or a pair was skipped; null when it fused
 */
public record PairResult(int round, int updater, int receiver, Status status, String kept, double localLoss,
        FusionLosses losses, String reason, double localSeconds, double fusionSeconds) {

    public enum Status {
        FUSED, FAILED, SKIPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Failed or skipped on a NaN or infinite loss or weight (every such reason says "non-finite"). */
    public boolean nonFinite() {
        return status != Status.FUSED && reason != null && reason.contains("non-finite");
    }

    /** What the simulator did with a pair. */
    public static PairResult of(int round, PairOutcome p) {
        double localLoss = p.local().ok() ? p.local().meanLoss() : Double.NaN;
        var f = p.fusion();
        if (f == null) {
            return new PairResult(round, p.updater(), p.receiver(), Status.SKIPPED, null, localLoss,
                    FusionLosses.NONE, p.skipped(), p.local().seconds(), Double.NaN);
        }
        return new PairResult(round, p.updater(), p.receiver(), f.ok() ? Status.FUSED : Status.FAILED,
                f.ok() ? f.kept().label() : FusionCompleted.Kept.OWN.name().toLowerCase(Locale.ROOT), localLoss,
                f.losses(), f.failure(), p.local().seconds(), f.seconds());
    }

    /** A fusion as the log announced it; {@code update} is the updater's model of that round, or null. */
    public static PairResult of(FusionCompleted f, ModelPublished update) {
        return new PairResult(f.round(), f.updater(), f.receiver(), f.ok() ? Status.FUSED : Status.FAILED,
                f.kept().name().toLowerCase(Locale.ROOT), update == null ? Double.NaN : update.trainLoss(),
                f.losses(), f.failure(), update == null ? Double.NaN : update.trainSeconds(), f.seconds());
    }

    /** A pair the log reports as skipped. */
    public static PairResult of(PairSkipped s) {
        return new PairResult(s.round(), s.updater(), s.receiver(), Status.SKIPPED, null, Double.NaN,
                FusionLosses.NONE, s.reason(), Double.NaN, Double.NaN);
    }
}
