package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.train.FusionLosses;
import io.fmkt.core.train.FusionResult;
import io.fmkt.core.train.TrainResult;
import org.junit.jupiter.api.Test;

/** Invariants hold when records are built in code, not only when decoded. */
class RecordsTest {
    private static final String RUN = Samples.RUN;
    private static final String SHA = Samples.SHA_A;

    @Test
    void blobRefValidation() {
        assertThat(new BlobRef("runs/r/m.bin", SHA, 0).size()).isZero();
        assertThatThrownBy(() -> new BlobRef("runs/r/m.bin", SHA.toUpperCase(), 1))
                .hasMessageStartingWith("invalid sha256: must be 64 lowercase hex characters");
        assertThatThrownBy(() -> new BlobRef("runs/r/m.bin", SHA.substring(1), 1))
                .hasMessageStartingWith("invalid sha256:");
        assertThatThrownBy(() -> new BlobRef("runs/r/m.bin", SHA, -1)).hasMessage("invalid size: must be >= 0, got -1");
        assertThatThrownBy(() -> new BlobRef(" ", SHA, 1)).hasMessage("invalid key: must not be blank");
        assertThatThrownBy(() -> new BlobRef("/etc/passwd", SHA, 1))
                .hasMessage("invalid key: must be relative (no leading '/'), got '/etc/passwd'");
        assertThatThrownBy(() -> new BlobRef("runs/../x", SHA, 1))
                .hasMessage("invalid key: must not contain '..', got 'runs/../x'");
        assertThatThrownBy(() -> new BlobRef("runs\\x", SHA, 1)).hasMessageContaining("backslashes");
        assertThatThrownBy(() -> new BlobRef(null, SHA, 1)).isInstanceOfSatisfying(WireException.class,
                e -> assertThat(e.reason()).isEqualTo(WireException.Reason.MISSING_FIELD));
    }

    @Test
    void fusionCompletedFromAResult() {
        FusionResult ok = new FusionResult(KeepPolicy.OWN, 10, 640, 1.5,
                new FusionLosses(2.0, 1.0, 2.1, 1.1, 0.9, 0.2, new double[] {0.3}, new double[] {0.1}),
                new double[] {55, 50}, null);
        FusionCompleted c = FusionCompleted.of(RUN, 4, new PeerPair(1, 2), ok, Samples.blob("f", SHA), null, 1_764_500_000_000L);
        assertThat(c.ok()).isTrue();
        assertThat(c.kept()).isEqualTo(FusionCompleted.Kept.OWN);
        assertThat(c.pair()).isEqualTo(new PeerPair(1, 2));
        assertThat(c.losses().fmLast()).containsExactly(0.1);
        assertThat(c.holdoutAcc()).containsExactly(55, 50);
        assertThat(c.startedAtMillis()).isEqualTo(1_764_500_000_000L);
        assertThat(c.worker()).as("named by the service that sends it").isNull();
        assertThat(c.withWorker("fusion-0").worker()).isEqualTo("fusion-0");
        assertThat(c.withWorker("fusion-0").losses()).isEqualTo(c.losses());
        assertThatThrownBy(() -> c.withWorker(" ")).hasMessageContaining("worker");
        assertThatThrownBy(() -> c.withWorker("w".repeat(FusionCompleted.MAX_WORKER_CHARS + 1)))
                .hasMessageContaining("worker");

        // A failed fusion under keep=best: the receiver keeps its previous model, nothing is published.
        FusionResult failed = new FusionResult(KeepPolicy.BEST, 3, 192, 0.2, new FusionLosses(Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, new double[] {0},
                new double[] {Double.NaN}), null, "non-finite fusion loss at epoch 0 step 3");
        FusionCompleted f = FusionCompleted.of(RUN, 4, new PeerPair(1, 2), failed, null, null, null);
        assertThat(f.status()).isEqualTo(FusionCompleted.Status.FAILED);
        assertThat(f.kept()).isEqualTo(FusionCompleted.Kept.OWN);
        assertThat(f.failure()).contains("step 3");
        assertThatThrownBy(() -> FusionCompleted.of(RUN, 4, new PeerPair(1, 2), ok, null, null, null))
                .hasMessage("required field 'fused' is null");
    }

    @Test
    void keptIsAnOutcomeNotAPolicy() {
        assertThat(FusionCompleted.Kept.of(KeepPolicy.RECEIVED)).isEqualTo(FusionCompleted.Kept.RECEIVED);
        assertThatThrownBy(() -> FusionCompleted.Kept.of(KeepPolicy.BEST)).isInstanceOf(WireException.class)
                .hasMessageContaining("'best' is a policy");
    }

    @Test
    void modelPublishedFactoriesAndRoundRules() {
        ModelPublished init = ModelPublished.initial(RUN, 0, Samples.blob("w", SHA), null, 16, 10);
        assertThat(init.round()).isZero();
        assertThat(init.trainLoss()).isNaN();
        ModelPublished trained = ModelPublished.trained(RUN, 2, 1, Samples.blob("w", SHA), null, 16, 10,
                new TrainResult(5, 320, 1.9, 2.2, 0.8, null), 1_764_500_000_000L);
        assertThat(trained.role()).isEqualTo(ModelPublished.Role.UPDATER);
        assertThat(trained.startedAtMillis()).isEqualTo(1_764_500_000_000L);
        assertThat(init.startedAtMillis()).as("an initial model is not trained").isNull();
        assertThat(trained.trainImages()).isEqualTo(320);
        assertThatThrownBy(() -> ModelPublished.trained(RUN, 2, 1, Samples.blob("w", SHA), null, 16, 10,
                new TrainResult(5, 320, Double.NaN, Double.NaN, 0.8, "non-finite loss at step 5"), null))
                .hasMessageContaining("a failed update is never published: non-finite loss at step 5");
        assertThatThrownBy(() -> new ModelPublished(RUN, 3, 0, ModelPublished.Role.INITIAL, Samples.blob("w", SHA),
                null, 16, 10, Double.NaN, 0, 0, null)).hasMessage("invalid round: an initial model belongs to round 0, got 3");
    }

    @Test
    void runStartedCannotReferToItself() {
        assertThatThrownBy(() -> new RunStarted(RUN, Samples.config(), Samples.AT.toString(), RUN, null))
                .hasMessageContaining("its own parent");
        assertThatThrownBy(() -> new RunStarted(RUN, Samples.config(), Samples.AT.toString(), null, "x/y"))
                .hasMessageStartingWith("invalid replayOf: 'x/y'");
    }

    @Test
    void roundEvaluatedNeedsADigestPerClient() {
        assertThatThrownBy(() -> RoundEvaluated.of(RUN, 1, new double[] {50, 60}, new String[] {SHA}, null, 100,
                Samples.AT)).hasMessage("invalid modelDigests: needs one digest per scored client (2), got 1");
        assertThatThrownBy(() -> RoundEvaluated.of(RUN, 1, new double[0], new String[0], null, 100, Samples.AT))
                .hasMessage("invalid perClient: must score at least one client");
        assertThatThrownBy(() -> RoundEvaluated.of(RUN, 1, new double[] {50}, new String[] {SHA}, new double[3], 100,
                Samples.AT)).hasMessage("invalid cka: needs one value per ResNet stage (4), got 3");
    }

    @Test
    void deadLetterTruncatesWithoutSplittingCharacters() {
        String big = "x".repeat(DeadLetter.MAX_PAYLOAD_CHARS - 1) + "\ud83d\ude00" + "tail";
        byte[] raw = big.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(Topics.FUSED, 1, 2, "k", raw, "OVERSIZED", "d".repeat(10_000), Samples.AT);
        assertThat(d.payloadTruncated()).isTrue();
        assertThat(d.payload()).hasSize(DeadLetter.MAX_PAYLOAD_CHARS - 1).doesNotContain("\ud83d");
        assertThat(d.payloadBytes()).isEqualTo(raw.length);
        assertThat(d.detail()).hasSize(DeadLetter.MAX_DETAIL_CHARS);
        byte[] encoded = new WireCodec().encode(d);
        assertThat(encoded.length).isLessThan(64 * 1024);
    }
}
