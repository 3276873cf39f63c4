package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.RoundSummary;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.simulator.SimulatorTest;
import io.fmkt.core.config.KeepPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterAveragingTest {

    @Test
    void receiverGetsTheElementWiseMeanAndTheReceivedModelIsUntouched() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel own = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel received = ResNetModel.initialised(m, 2, 10, 2)) {
            float[][] a = own.values();
            float[][] b = received.values();
            FusionResult r = new ParameterAveraging().fuse(own, received, null, null);
            assertThat(r.ok()).isTrue();
            assertThat(r.kept()).isEqualTo(KeepPolicy.OWN);
            assertThat(r.steps()).isZero();
            float[][] avg = own.values();
            boolean differed = false;
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    assertThat(avg[i][j]).isEqualTo(0.5f * (a[i][j] + b[i][j]));
                    differed |= a[i][j] != b[i][j];
                }
            }
            assertThat(differed).as("two seeds give two different models").isTrue();
            assertThat(received.values()).isDeepEqualTo(b);
        }
    }

    @Test
    void modelsOfDifferentWidthAreRefusedByName() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel own = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel received = ResNetModel.initialised(m, 4, 10, 2)) {
            assertThatThrownBy(() -> new ParameterAveraging().fuse(own, received, null, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter");
        }
    }

    @Test
    void averagingRunDiffersFromFmktAndIsDeterministic() throws Exception {
        ExperimentConfig fmkt = SimulatorTest.tiny(2, 0.05, "none");
        ExperimentConfig avg = fmkt.toBuilder().fusion("average").build();
        assertThat(Fusion.of(avg)).isInstanceOf(ParameterAveraging.class);
        assertThat(Fusion.of(fmkt)).isInstanceOf(MutualDistillation.class);
        List<RoundSummary> a1 = Simulator.run(avg, ExperimentData.load(avg), r -> { });
        List<RoundSummary> a2 = Simulator.run(avg, ExperimentData.load(avg), r -> { });
        List<RoundSummary> f = Simulator.run(fmkt, ExperimentData.load(fmkt), r -> { });
        assertThat(a1.get(1).perClient()).isEqualTo(a2.get(1).perClient());
        assertThat(a1.get(1).pairs().get(0).fusion().steps()).isZero();
        assertThat(f.get(1).pairs().get(0).fusion().steps()).isPositive();
        assertThat(a1.get(1).perClient()).isNotEqualTo(f.get(1).perClient());
    }

    @Test
    void configRejectsUnknownMethods() {
        assertThatThrownBy(() -> ExperimentConfig.builder().fusion("fedavg").build())
                .hasMessageContaining("unknown fusion method 'fedavg'");
    }
}
