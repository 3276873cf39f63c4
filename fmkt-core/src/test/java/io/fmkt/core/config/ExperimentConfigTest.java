package io.fmkt.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Numerics;
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
    void badValuesInEveryPartAreNamedInOneMessage() {
        assertThatThrownBy(() -> ExperimentConfig.builder().clients(1).localEpochs(-1).temperature(0).rounds(0)
                .width(0).fusion("fedprox").numerics("fast").build())
                .hasMessageStartingWith("invalid experiment config: ")
                .hasMessageContaining("clients must be >= 2, got 1")
                .hasMessageContaining("local epochs must be >= 0, got -1")
                .hasMessageContaining("KD temperature must be > 0, got 0.0")
                .hasMessageContaining("rounds must be >= 1, got 0")
                .hasMessageContaining("pairs must be in 1..clients/2 (0), got 1")
                .hasMessageContaining("width must be >= 1, got 0")
                .hasMessageContaining("unknown fusion method 'fedprox'")
                .hasMessageContaining("unknown numerics 'fast'");
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
    void theDefaultsAndEveryDocumentedFormBuildIntoTypedParts() {
        assertThat(ExperimentConfig.builder().layers("none").build().fusion().layers()).isEqualTo(StageSelection.NONE);
        assertThat(ExperimentConfig.builder().layers("all").build().fusion().layers()).isEqualTo(StageSelection.ALL);
        assertThat(ExperimentConfig.builder().layers("1,2,3,4").build().fusion().layers())
                .isEqualTo(StageSelection.ALL);
        assertThat(ExperimentConfig.builder().layers(" 3, 1").build().fusion().layers())
                .isEqualTo(new StageSelection(new int[] {1, 3}));
        for (String p : new String[] {"segment:8", "segment:4", "dirichlet:0.5", "iid"}) {
            assertThat(ExperimentConfig.builder().clients(10).partition(p).build().data().partition()).isEqualTo(p);
        }
        FusionConfig f = ExperimentConfig.builder().norm("attention").keep("BEST").fusion("average").build().fusion();
        assertThat(f.norm()).isEqualTo(FeatureNorm.ATTENTION);
        assertThat(f.keep()).isEqualTo(KeepPolicy.BEST);
        assertThat(f.method()).isEqualTo(FusionMethod.AVERAGE);
        assertThat(ExperimentConfig.builder().numerics("portable").build().numerics()).isEqualTo(Numerics.PORTABLE);
    }

    @Test
    void toBuilderGivesBackAnEqualConfig() {
        ExperimentConfig c = ExperimentConfig.builder().data("cifar10").dataSha256("ab".repeat(32)).clients(10)
                .pairs(5).partition("dirichlet:0.5").layers("2,4").layerWeights(new double[] {0, 1, 0.5, 2})
                .norm("l2").keep("own").fusion("fmkt").numerics("portable").seed(-7).augment(false).build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().layerWeights(new double[] {0, 1, 0.5, 3}).build()).isNotEqualTo(c);
    }

    @Test
    void aPartRefusesBadValuesAlsoWhenBuiltDirectly() {
        assertThatThrownBy(() -> new DataConfig("synthetic", "ab".repeat(32), 4, "iid", 0, 0, 32, 400, 1000))
                .hasMessageContaining("only given with a dataset");
        assertThatThrownBy(() -> new ScheduleConfig(0, 1, 1)).hasMessage("rounds must be >= 1, got 0");
        ExperimentConfig ok = ExperimentConfig.defaults();
        assertThatThrownBy(() -> new ExperimentConfig(ok.data(), ok.width(), ok.training(), ok.fusion(),
                new ScheduleConfig(1, 3, 1), null)).hasMessage("invalid experiment config: pairs must be in "
                        + "1..clients/2 (2), got 3");
    }
}
