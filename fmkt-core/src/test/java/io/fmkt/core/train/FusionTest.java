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
}
