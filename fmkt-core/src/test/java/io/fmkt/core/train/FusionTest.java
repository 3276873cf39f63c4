package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.round.ExperimentConfig;
import org.junit.jupiter.api.Test;

class FusionTest {

    @Test
    void theConfigsFusionNameChoosesTheStrategy() {
        ExperimentConfig c = ExperimentConfig.builder().layers("1,3").build();
        assertThat(Fusion.of(c)).isInstanceOf(MutualDistillation.class);
        assertThat(Fusion.of(c.toBuilder().fusion("AVERAGE").build())).isInstanceOf(ParameterAveraging.class);
    }

    @Test
    void theLabelIsTheDistilledStagesOrTheBaselinesName() {
        ExperimentConfig c = ExperimentConfig.builder().layers("1, 3").build();
        assertThat(Fusion.of(c).label()).isEqualTo("1,3");
        assertThat(Fusion.of(c.toBuilder().layers("none").build()).label()).isEqualTo("none");
        assertThat(Fusion.of(c.toBuilder().fusion("average").build()).label()).isEqualTo("average");
    }

    @Test
    void everyRegisteredMethodIsAcceptedByTheConfigUnderItsOwnName() {
        for (Fusion.Method m : Fusion.METHODS) {
            ExperimentConfig c = ExperimentConfig.builder().fusion(m.name().toUpperCase()).build();
            assertThat(c.fusion()).isEqualTo(m.name());
            assertThat(Fusion.of(c)).isNotNull();
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Fusion.method("fedprox"))
                .hasMessage("unknown fusion method 'fedprox' (expected fmkt or average)");
    }

    @Test
    void theConfigAndTheSettingsRefuseBadValuesWithTheSameCheck() {
        ExperimentConfig.Builder b = ExperimentConfig.builder();
        assertThatThrownBy(() -> b.layerWeights(new double[] {1, 1}).build())
                .hasMessageContaining("need 4 layer weights (stages 1..4), got 2");
        assertThatThrownBy(() -> ExperimentConfig.builder().temperature(0).build())
                .hasMessageContaining("KD temperature must be > 0, got 0.0");
        assertThatThrownBy(() -> ExperimentConfig.builder().batchSize(1).build())
                .hasMessageContaining("batch size must be >= 2 (BatchNorm), got 1");
        ExperimentConfig ok = ExperimentConfig.builder().build();
        assertThatThrownBy(() -> new FusionSettings(null, new double[] {1, 1}, null, 3, 1, 1, 1, 64, null,
                KeepPolicy.RECEIVED, false, 0.1)).hasMessage("need 4 layer weights (stages 1..4), got 2");
        assertThatThrownBy(() -> new FusionSettings(null, ok.layerWeights(), null, 0, 1, 1, 1, 64, null,
                KeepPolicy.RECEIVED, false, 0.1)).hasMessage("KD temperature must be > 0, got 0.0");
        assertThatThrownBy(() -> new LocalTrainer.Settings(1, 1, null, false))
                .hasMessage("batch size must be >= 2 (BatchNorm), got 1");
    }
}
