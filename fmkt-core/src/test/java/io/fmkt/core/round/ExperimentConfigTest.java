package io.fmkt.core.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A config is checked whole when it is built: every bad value named at once, before anything runs. */
class ExperimentConfigTest {

    @Test
    void everyNamedSettingIsParsedWhenTheConfigIsBuilt() {
        assertThatThrownBy(() -> ExperimentConfig.builder().layers("7").norm("l3").keep("newest").partition("zipf:2")
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stage 7 is outside 1..4").hasMessageContaining("l3")
                .hasMessageContaining("newest").hasMessageContaining("zipf");
    }

    @Test
    void optimiserSettingsAndTheHoldoutAreCheckedToo() {
        assertThatThrownBy(() -> ExperimentConfig.builder().learningRate(0).build())
                .hasMessageContaining("learning rate must be > 0, got 0.0");
        assertThatThrownBy(() -> ExperimentConfig.builder().fusionLearningRate(-1).build())
                .hasMessageContaining("learning rate must be > 0, got -1.0");
        assertThatThrownBy(() -> ExperimentConfig.builder().momentum(1).build())
                .hasMessageContaining("momentum must be in [0, 1)");
        assertThatThrownBy(() -> ExperimentConfig.builder().holdoutFraction(1).build())
                .hasMessageContaining("holdout fraction must be in (0, 1)");
    }

    @Test
    void theDefaultsAndEveryDocumentedFormBuild() {
        for (String layers : new String[] {"none", "all", "3", "1,3", "1,2,3,4"}) {
            assertThat(ExperimentConfig.builder().layers(layers).build().layers()).isEqualTo(layers);
        }
        for (String p : new String[] {"segment:8", "segment:4", "dirichlet:0.5", "iid"}) {
            assertThat(ExperimentConfig.builder().clients(10).partition(p).build().partition()).isEqualTo(p);
        }
        assertThat(ExperimentConfig.builder().norm("attention").keep("best").build().keep()).isEqualTo("best");
    }
}
