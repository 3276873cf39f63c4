package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.CifarData;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.KeepPolicy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MutualDistillationTest {
    static CifarData data;

    @BeforeAll
    static void data() {
        data = SyntheticCifar.generate(4, 64, 200);
    }

    static FusionSettings settings(String layers, int epochs, KeepPolicy keep, double lr) {
        return FusionSettings.of(ExperimentConfig.builder().layers(layers).fusionEpochs(epochs).batchSize(32)
                .fusionLearningRate(lr).keep(keep).holdoutFraction(0.2).build());
    }

    @Test
    void featureMapTermFallsDuringFusionAndBothModelsMove() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 4, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 4, 10, 2)) {
            float[][] a0 = a.values();
            float[][] b0 = b.values();
            FusionResult r = new MutualDistillation(settings("all", 4, KeepPolicy.RECEIVED, 0.05)).fuse(a, b, data.train(),
                    new SplittableRandom(1));
            assertThat(r.ok()).isTrue();
            assertThat(r.losses().fmFirst()).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(r.losses().fmLast()[i]).as("stage %d", i + 1)
                        .isLessThan(r.losses().fmFirst()[i] * 0.7);
            }
            assertThat(r.losses().lossALast()).isLessThan(r.losses().lossAFirst());
            assertThat(a.values()[0]).isNotEqualTo(a0[0]);
            assertThat(b.values()[0]).isNotEqualTo(b0[0]);
            assertThat(r.kept()).isEqualTo(KeepPolicy.RECEIVED);
        }
    }

    @Test
    void logitOnlyFusionHasNoFeatureTerms() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 2)) {
            FusionResult r = new MutualDistillation(settings("none", 1, KeepPolicy.OWN, 0.05)).fuse(a, b, data.train().head(64),
                    new SplittableRandom(1));
            assertThat(r.losses().fmFirst()).isEmpty();
            assertThat(r.kept()).isEqualTo(KeepPolicy.OWN);
            // with no feature terms the total is CE + alpha * KD
            FusionLosses l = r.losses();
            assertThat(l.lossALast()).isCloseTo(l.ce() + l.kd(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void bestKeepsTheModelThatScoresHigherOnTheHoldOut() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 2)) {
            FusionResult r = new MutualDistillation(settings("3", 1, KeepPolicy.BEST, 0.05)).fuse(a, b, data.train(),
                    new SplittableRandom(3));
            assertThat(r.holdoutAcc()).hasSize(2);
            KeepPolicy expected = r.holdoutAcc()[0] > r.holdoutAcc()[1] ? KeepPolicy.OWN : KeepPolicy.RECEIVED;
            assertThat(r.kept()).isEqualTo(expected);
            // the hold-out is 20 % of the receiver's data and is not trained on
            assertThat(r.images()).isEqualTo(2L * 256);
        }
    }

    @Test
    void nonFiniteFusionIsRecordedAsFailed() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 2)) {
            FusionSettings wild = FusionSettings.of(ExperimentConfig.builder().layers(StageSelection.ALL)
                    .fusionEpochs(3).batchSize(32).fusionLearningRate(1e30).weightDecay(0).maxGradNorm(0).augment(false)
                    .build());
            FusionResult r = new MutualDistillation(wild).fuse(a, b, data.train().head(128), new SplittableRandom(1));
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).contains("non-finite");
        }
    }
}
