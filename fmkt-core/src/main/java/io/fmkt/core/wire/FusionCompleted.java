package io.fmkt.core.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.train.FusionLosses;
import io.fmkt.core.train.FusionResult;

/**
 * A fusion finished, successfully or not. On failure (a non-finite loss or weight) nothing is
 * published and the receiver keeps its previous model, so {@code fused} is null and {@code kept}
 * is {@code own}; the losses and {@code failure} record what went wrong instead of hiding it.
 *
 * @param fused      the model the receiver keeps from now on; null iff {@code status} is failed
 * @param features   a feature-map snapshot of {@code fused}, or null
 * @param holdoutAcc accuracy (percent) of {own, received} on the receiver's hold-out when the keep
 *                   policy is {@code best}, else null
 * @param images     images processed, counting both models
 * @param failure    null on success; otherwise the step and values that went non-finite
 * @param startedAtMillis when the fusion's compute began, epoch milliseconds on the fusion worker's
 *                   clock (with {@code seconds}, where a run spent its time); null when not clocked,
 *                   or from an older build
 * @param worker     the fusion worker that computed it ({@code fmkt.worker}: a pod or process name), so a
 *                   run's throughput can be told per worker; null when not named, or from an older build
 */
public record FusionCompleted(String runId, int round, int updater, int receiver, Status status, Kept kept,
        @Nullable BlobRef fused, @Nullable BlobRef features, FusionLosses losses, @Nullable double[] holdoutAcc,
        int steps, long images, double seconds, @Nullable String failure, @Nullable Long startedAtMillis,
        @Nullable String worker) implements RoundMessage {
    /** Longest worker name carried: a host or pod name. */
    public static final int MAX_WORKER_CHARS = 128;


    public enum Status {
        @JsonProperty("fused") FUSED,
        @JsonProperty("failed") FAILED
    }

    /**
     * Which model the receiver kept: an outcome, unlike {@link KeepPolicy}, whose {@code best} is
     * resolved to one of these by the fusion.
     */
    public enum Kept {
        @JsonProperty("received") RECEIVED,
        @JsonProperty("own") OWN;

        /** @throws WireException for {@link KeepPolicy#BEST}, a policy rather than an outcome */
        public static Kept of(KeepPolicy policy) {
            return switch (policy) {
                case RECEIVED -> RECEIVED;
                case OWN -> OWN;
                case BEST -> throw WireException.invalid("kept",
                        "'best' is a policy; a completed fusion keeps 'received' or 'own'");
            };
        }
    }

    public FusionCompleted {
        RunIds.validate(runId);
        Checks.atLeast("round", round, 1);
        Checks.distinctClients(updater, receiver);
        Checks.required("status", status);
        Checks.required("kept", kept);
        Checks.required("losses", losses);
        Checks.atLeast("steps", steps, 0);
        Checks.atLeast("images", images, 0L);
        Checks.finiteNonNegative("seconds", seconds);
        if (startedAtMillis != null) {
            Checks.atLeast("startedAtMillis", startedAtMillis, 0L);
        }
        if (worker != null && (worker.isBlank() || worker.length() > MAX_WORKER_CHARS)) {
            throw WireException.invalid("worker", "must be 1.." + MAX_WORKER_CHARS + " characters, got "
                    + worker.length());
        }
        if (holdoutAcc != null) {
            holdoutAcc = holdoutAcc.clone();
            if (holdoutAcc.length != 2) {
                throw WireException.invalid("holdoutAcc", "needs 2 entries {own, received}, got " + holdoutAcc.length);
            }
        }
        if (status == Status.FUSED) {
            Checks.required("fused", fused);
            if (failure != null) {
                throw WireException.invalid("failure", "must be null when status is fused, got '"
                        + Checks.abbreviate(failure, 80) + "'");
            }
        } else {
            if (fused != null || features != null) {
                throw WireException.invalid("fused",
                        "a failed fusion publishes no model (fused and features must be null)");
            }
            if (kept != Kept.OWN) {
                throw WireException.invalid("kept", "a failed fusion keeps the receiver's own previous model ('own')");
            }
            Checks.nonBlank("failure", failure);
        }
    }

    /**
     * The announcement of {@code result} for {@code pair}. {@code fused} (and {@code features}) must be
     * null when the fusion failed and name the kept model when it succeeded; {@code startedAtMillis} is
     * when the fusion began (null: not clocked).
     */
    public static FusionCompleted of(String runId, int round, PeerPair pair, FusionResult result, BlobRef fused,
            BlobRef features, Long startedAtMillis) {
        boolean ok = result.ok();
        return new FusionCompleted(runId, round, pair.updater(), pair.receiver(), ok ? Status.FUSED : Status.FAILED,
                ok ? Kept.of(result.kept()) : Kept.OWN, fused, features, result.losses(), result.holdoutAcc(),
                result.steps(), result.images(), result.seconds(), result.failure(), startedAtMillis, null);
    }

    /** The same announcement, naming the worker that computed it. */
    public FusionCompleted withWorker(String name) {
        return new FusionCompleted(runId, round, updater, receiver, status, kept, fused, features, losses, holdoutAcc,
                steps, images, seconds, failure, startedAtMillis, name);
    }

    public boolean ok() {
        return status == Status.FUSED;
    }

    public PeerPair pair() {
        return new PeerPair(updater, receiver);
    }

    @Override
    public MessageType type() {
        return MessageType.FUSION_COMPLETED;
    }
}
