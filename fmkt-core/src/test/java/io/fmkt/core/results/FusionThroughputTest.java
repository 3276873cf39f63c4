package io.fmkt.core.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fmkt.core.train.FusionLosses;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionThroughputTest {
    private static final BlobRef BLOB = new BlobRef("runs/t/models/m", "a".repeat(64), 1);

    static FusionCompleted fusion(int round, int receiver, String worker, long images, double seconds, Long startedAt) {
        return new FusionCompleted("t", round, 9, receiver, FusionCompleted.Status.FUSED, FusionCompleted.Kept.RECEIVED,
                BLOB, null, FusionLosses.NONE, null, 1, images, seconds, null, startedAt, worker);
    }

    @Test
    void eachWorkersRatesAreItsPairsAndImagesOverItsOwnFusionSeconds() {
        FusionThroughput t = FusionThroughput.of(List.of(
                fusion(1, 0, "b", 100, 2.0, 10_000L),
                fusion(1, 1, "a", 300, 1.5, 10_500L),
                fusion(2, 0, "b", 100, 2.0, 12_000L)));

        assertThat(t.workers()).extracting(FusionThroughput.Worker::worker).containsExactly("a", "b");
        FusionThroughput.Worker b = t.workers().get(1);
        assertThat(b.pairs()).isEqualTo(2);
        assertThat(b.images()).isEqualTo(200);
        assertThat(b.seconds()).isEqualTo(4.0);
        assertThat(b.pairsPerSecond()).isEqualTo(0.5);
        assertThat(b.samplesPerSecond()).isEqualTo(50.0);
        assertThat(t.workers().get(0).samplesPerSecond()).isEqualTo(200.0);
        // wall: from 10.0 s to 14.0 s (b's second fusion ends last); two workers overlapped
        assertThat(t.pairs()).isEqualTo(3);
        assertThat(t.wallSeconds()).isCloseTo(4.0, within(1e-9));
        assertThat(t.pairsPerWallSecond()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void announcementsThatNameNoWorkerOrStartAreCountedButSpanNothing() {
        FusionThroughput t = FusionThroughput.of(List.of(fusion(1, 0, null, 64, 0.0, null)));
        assertThat(t.workers()).singleElement().satisfies(w -> {
            assertThat(w.worker()).isEqualTo(FusionThroughput.UNNAMED);
            assertThat(w.pairsPerSecond()).as("no fusion time yet: no rate, not infinity").isZero();
        });
        assertThat(t.wallSeconds()).isZero();
        assertThat(t.pairsPerWallSecond()).isZero();
        assertThat(FusionThroughput.of(List.of()).workers()).isEmpty();
    }
}
