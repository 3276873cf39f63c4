package io.fmkt.core.results;

import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.TrainResult;

/**
 * What happened to one scheduled pair. {@code fusion} is null when the pair was skipped because
 * the updater's local update failed; {@code skipped} then says why.
 */
public record PairOutcome(int updater, int receiver, TrainResult local, FusionResult fusion, String skipped) {
    public boolean fused() {
        return fusion != null && fusion.ok();
    }
}
