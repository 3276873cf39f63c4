package io.fmkt.core.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fmkt.core.train.TrainResult;

/**
 * A client's model is in the object store: the initial one, one it trained locally as an updater,
 * or the one it kept after fusion. Published only for finite models (a diverged step is recorded as
 * failed and never announced), so anyone may fetch and use what this points to.
 *
 * @param round        0 for the initial model, else the round (from 1) that produced it
 * @param weights      the weights (see {@code codec.WeightCodec})
 * @param features     a feature-map snapshot of the same model, or null
 * @param width        the ResNet base width, so a reader can allocate before fetching
 * @param trainLoss    mean local training loss for {@code updater}; NaN when no training happened
 * @param trainImages  images seen in local training (0 when none)
 * @param trainSeconds wall time of local training (0 when none)
 * @param startedAtMillis when local training began, epoch milliseconds on the client's clock (with
 *                     {@code trainSeconds}, where a run spent its time); null when none, or from
 *                     an older build
 */
public record ModelPublished(String runId, int round, int client, Role role, BlobRef weights,
        @Nullable BlobRef features, int width, int classes, double trainLoss, long trainImages,
        double trainSeconds, @Nullable Long startedAtMillis) implements RoundMessage {

    /** Why the model exists. Unknown roles fail to decode: a consumer must not guess what one means. */
    public enum Role {
        @JsonProperty("updater") UPDATER,
        @JsonProperty("initial") INITIAL,
        @JsonProperty("fused") FUSED
    }

    public ModelPublished {
        RunIds.validate(runId);
        Checks.atLeast("round", round, 0);
        Checks.atLeast("client", client, 0);
        Checks.required("role", role);
        Checks.required("weights", weights);
        Checks.atLeast("width", width, 1);
        Checks.atLeast("classes", classes, 2);
        Checks.atLeast("trainImages", trainImages, 0L);
        Checks.finiteNonNegative("trainSeconds", trainSeconds);
        if (startedAtMillis != null) {
            Checks.atLeast("startedAtMillis", startedAtMillis, 0L);
        }
        if (role == Role.INITIAL && round != 0) {
            throw WireException.invalid("round", "an initial model belongs to round 0, got " + round);
        }
        if (role != Role.INITIAL && round < 1) {
            throw WireException.invalid("round", "a " + role.name().toLowerCase(java.util.Locale.ROOT)
                    + " model comes from a round >= 1, got " + round);
        }
        if (role == Role.UPDATER && !Double.isFinite(trainLoss)) {
            throw WireException.invalid("trainLoss", "an updater's training loss must be finite, got " + trainLoss
                    + " (a diverged update is never published)");
        }
    }

    /** A client's initial model (round 0, no training). */
    public static ModelPublished initial(String runId, int client, BlobRef weights, BlobRef features, int width,
            int classes) {
        return new ModelPublished(runId, 0, client, Role.INITIAL, weights, features, width, classes, Double.NaN, 0, 0, null);
    }

    /**
     * An updater's locally trained model; {@code result} must be {@link TrainResult#ok() ok}, and
     * {@code startedAtMillis} is when it began (null: not clocked).
     */
    public static ModelPublished trained(String runId, int round, int client, BlobRef weights, BlobRef features,
            int width, int classes, TrainResult result, Long startedAtMillis) {
        if (!result.ok()) {
            throw WireException.invalid("trainResult", "a failed update is never published: " + result.failure());
        }
        return new ModelPublished(runId, round, client, Role.UPDATER, weights, features, width, classes,
                result.meanLoss(), result.images(), result.seconds(), startedAtMillis);
    }

    @Override
    public MessageType type() {
        return MessageType.MODEL_PUBLISHED;
    }
}
