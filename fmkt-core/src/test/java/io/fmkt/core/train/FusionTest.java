package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionConfig;
import io.fmkt.core.config.FusionMethod;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.config.TrainingConfig;
import org.junit.jupiter.api.Test;

class FusionTest {

    @Test
    void theConfigsFusionMethodChoosesTheStrategy() {
        ExperimentConfig c = ExperimentConfig.builder().layers("1,3").build();
        assertThat(Fusion.of(c)).isInstanceOf(MutualDistillation.class);
        assertThat(Fusion.of(c.toBuilder().fusion("AVERAGE").build())).isInstanceOf(ParameterAveraging.class);
    }

    @Test
    void theLabelIsTheDistilledStagesOrTheBaselinesName() {
        ExperimentConfig c = ExperimentConfig.builder().layers("1, 3").build();
        assertThat(c.fusion().label()).isEqualTo("1,3");
        assertThat(c.toBuilder().layers("none").build().fusion().label()).isEqualTo("none");
        assertThat(c.toBuilder().fusion("average").build().fusion().label()).isEqualTo("average");
    }

    @Test
    void everyMethodIsAcceptedByTheConfigUnderItsOwnNameAndHasAStrategy() {
        assertThat(Fusion.METHODS).containsOnlyKeys(FusionMethod.values());
        for (FusionMethod m : FusionMethod.values()) {
            ExperimentConfig c = ExperimentConfig.builder().fusion(m.label().toUpperCase()).build();
            assertThat(c.fusion().method()).isEqualTo(m);
            assertThat(Fusion.of(c)).isNotNull();
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> FusionMethod.parse("fedprox"))
                .hasMessage("unknown fusion method 'fedprox' (expected fmkt or average)");
    }

    @Test
    void theConfigAndItsPartsRefuseBadValuesWithTheSameCheck() {
        ExperimentConfig.Builder b = ExperimentConfig.builder();
        assertThatThrownBy(() -> b.layerWeights(new double[] {1, 1}).build())
                .hasMessageContaining("need 4 layer weights (stages 1..4), got 2");
        assertThatThrownBy(() -> ExperimentConfig.builder().temperature(0).build())
                .hasMessageContaining("KD temperature must be > 0, got 0.0");
        assertThatThrownBy(() -> ExperimentConfig.builder().batchSize(1).build())
                .hasMessageContaining("batch size must be >= 2 (BatchNorm), got 1");
        ExperimentConfig ok = ExperimentConfig.builder().build();
        assertThatThrownBy(() -> new FusionConfig(FusionMethod.FMKT, 1, 0.05, StageSelection.NONE, new double[] {1, 1},
                FeatureNorm.NONE, 3, 1, 1, KeepPolicy.RECEIVED, 0.1))
                .hasMessage("need 4 layer weights (stages 1..4), got 2");
        assertThatThrownBy(() -> new FusionConfig(FusionMethod.FMKT, 1, 0.05, StageSelection.NONE,
                ok.fusion().layerWeights(), FeatureNorm.NONE, 0, 1, 1, KeepPolicy.RECEIVED, 0.1))
                .hasMessage("KD temperature must be > 0, got 0.0");
        assertThatThrownBy(() -> new FusionSettings(ok.fusion(), 1, ok.training().sgd(), false))
                .hasMessage("batch size must be >= 2 (BatchNorm), got 1");
        assertThatThrownBy(() -> new TrainingConfig(1, 1, 0.05, 0.9, 0, 0, false))
                .hasMessage("batch size must be >= 2 (BatchNorm), got 1");
    }

    @Test
    void theFusionsSettingsComeFromTheConfigsFusionAndTrainingParts() {
        ExperimentConfig c = ExperimentConfig.builder().layers("2,4").fusionLearningRate(0.02).learningRate(0.07)
                .momentum(0.5).batchSize(16).augment(false).build();
        FusionSettings s = FusionSettings.of(c);
        assertThat(s.fusion()).isEqualTo(c.fusion());
        assertThat(s.loss().layers()).isEqualTo(new StageSelection(new int[] {2, 4}));
        assertThat(s.sgd().learningRate()).isEqualTo(0.02);
        assertThat(s.sgd().momentum()).isEqualTo(0.5);
        assertThat(s.batchSize()).isEqualTo(16);
        assertThat(s.augment()).isFalse();
    }
}
