package io.fmkt.core.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.ExperimentConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLimitsTest {
    private static final RunLimits L = RunLimits.DEFAULTS;

    @Test
    void theModelSizeFormulaCountsWhatTheModelHolds() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int w : new int[] {1, 2, 4, 8}) {
                try (ResNetModel model = ResNetModel.initialised(m, w, 10, 1)) {
                    assertThat(RunLimits.modelBytes(w)).as("width %d", w).isEqualTo(4 * model.totalValueCount());
                }
            }
        }
        assertThat(RunLimits.modelBytes(64)).isEqualTo(4L * 11_183_562);
    }

    @Test
    void aHugeRunIsRefusedNamingEachFieldItsValueTheLimitAndTheKey() {
        ExperimentConfig huge = ExperimentConfig.builder().clients(100_000_000).width(100_000).build();
        assertThat(L.check(huge)).extracting(RunLimits.Violation::message).containsExactly(
                "LIMIT_EXCEEDED: config.data.clients = 100000000 exceeds the limit 1024 (raise it with fmkt.limits.clients)",
                "LIMIT_EXCEEDED: config.width = 100000 exceeds the limit 128 (raise it with fmkt.limits.width)");
        assertThatThrownBy(() -> L.require(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.data.clients = 100000000").hasMessageContaining("config.width = 100000");
    }

    @Test
    void everyBoundIsChecked() {
        ExperimentConfig.Builder ok = ExperimentConfig.builder();
        assertThat(L.check(ok.build())).isEmpty();
        assertThat(fields(ok.rounds(10_001).build())).containsExactly("config.schedule.rounds");
        assertThat(fields(ExperimentConfig.builder().localEpochs(101).fusionEpochs(101).build()))
                .containsExactly("config.training.epochs", "config.fusion.epochs");
        assertThat(fields(ExperimentConfig.builder().batchSize(1025).build())).containsExactly("config.training.batchSize");
        assertThat(fields(ExperimentConfig.builder().probeImages(1025).build())).containsExactly("config.data.probeImages");
        assertThat(fields(ExperimentConfig.builder().syntheticTrainPerBatch(100_000).build()))
                .containsExactly("config.data.perClientCap", "config.data.syntheticTrainPerBatch");
        assertThat(fields(ExperimentConfig.builder().data("cifar").perClientCap(60_000).build())).isEmpty(); // capped by the data
        assertThat(fields(ExperimentConfig.builder().data("cifar").clients(2).build())).isEmpty(); // 25,000 each
    }

    @Test
    void theMemoryEstimateIsOneStepsTensorsTimesModelBytes() {
        ExperimentConfig wide = ExperimentConfig.builder().width(128).build();
        // two models, their gradients and momenta of width 128: 6 x 170.4 MiB = 1023 MiB
        assertThat(L.memoryEstimate(wide)).isEqualTo(6.0 * RunLimits.modelBytes(128));
        assertThat(L.check(wide)).isEmpty();
        RunLimits small = RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_MEMORY_BYTES", Long.toString(512L << 20)));
        assertThat(small.check(wide)).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("memory");
            assertThat(v.message()).contains("1023 MiB (6 model-sized tensors of width 128)").contains("512 MiB")
                    .contains("fmkt.limits.memory-bytes");
        });
        // it does not grow with the clients: their models live in S3 between steps
        assertThat(L.memoryEstimate(wide.toBuilder().clients(1024).build())).isEqualTo(L.memoryEstimate(wide));
    }

    @Test
    void limitsComeFromTheServicesEnvironmentNames() {
        RunLimits l = RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_CLIENTS", "8", "FMKT_LIMITS_MEMORY_BYTES", "1024"));
        assertThat(l.clients()).isEqualTo(8);
        assertThat(l.memoryBytes()).isEqualTo(1024);
        assertThat(l.width()).isEqualTo(L.width());
        assertThatThrownBy(() -> RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_WIDTH", "wide")))
                .hasMessageContaining("FMKT_LIMITS_WIDTH must be a whole number in 0..2147483647, got 'wide'");
        assertThatThrownBy(() -> RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_MEMORY_BYTES", "8G")))
                .hasMessageContaining("FMKT_LIMITS_MEMORY_BYTES must be a whole number").hasMessageContaining("'8G'");
        assertThat(L.checkHosted(65)).singleElement().extracting(RunLimits.Violation::key)
                .isEqualTo("fmkt.limits.clients-per-instance");
    }

    private static java.util.List<String> fields(ExperimentConfig c) {
        return L.check(c).stream().map(RunLimits.Violation::field).toList();
    }
}
