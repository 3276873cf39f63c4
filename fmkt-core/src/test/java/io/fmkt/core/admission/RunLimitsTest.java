package io.fmkt.core.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.study.StudyPreset;
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
                "LIMIT_EXCEEDED: config.clients = 100000000 exceeds the limit 1024 (raise it with fmkt.limits.clients)",
                "LIMIT_EXCEEDED: config.width = 100000 exceeds the limit 128 (raise it with fmkt.limits.width)");
        assertThatThrownBy(() -> L.require(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.clients = 100000000").hasMessageContaining("config.width = 100000");
    }

    @Test
    void everyBoundIsChecked() {
        ExperimentConfig.Builder ok = ExperimentConfig.builder();
        assertThat(L.check(ok.build())).isEmpty();
        assertThat(fields(ok.rounds(10_001).build())).containsExactly("config.rounds");
        assertThat(fields(ExperimentConfig.builder().localEpochs(101).fusionEpochs(101).build()))
                .containsExactly("config.localEpochs", "config.fusionEpochs");
        assertThat(fields(ExperimentConfig.builder().batchSize(1025).build())).containsExactly("config.batchSize");
        assertThat(fields(ExperimentConfig.builder().probeImages(1025).build())).containsExactly("config.probeImages");
        assertThat(fields(ExperimentConfig.builder().syntheticTrainPerBatch(100_000).build()))
                .containsExactly("config.perClientCap", "config.syntheticTrainPerBatch");
        assertThat(fields(ExperimentConfig.builder().data("cifar").perClientCap(60_000).build())).isEmpty(); // capped by the data
        assertThat(fields(ExperimentConfig.builder().data("cifar").clients(2).build())).isEmpty(); // 25,000 each
    }

    @Test
    void theMemoryEstimateIsModelsHeldTimesModelBytes() {
        ExperimentConfig big = ExperimentConfig.builder().clients(64).pairs(2).width(128).build();
        // 64 hosted + 2 working models of width 128: 66 x 178.6 MB = 11.0 GiB > 8 GiB
        assertThat(L.memoryEstimate(big)).isEqualTo(66.0 * RunLimits.modelBytes(128));
        assertThat(L.check(big)).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("memory");
            assertThat(v.message()).contains("66 models of width 128").contains("8192 MiB")
                    .contains("fmkt.limits.memory-bytes");
        });
        RunLimits fewerPerInstance = RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_CLIENTS_PER_INSTANCE", "16"));
        assertThat(fewerPerInstance.check(big)).isEmpty(); // 18 models: 3.0 GiB
    }

    @Test
    void theStudyPresetsAreWithinTheDefaults() {
        assertThat(L.check(StudyPreset.cpu("data").base())).isEmpty();
        assertThat(L.check(StudyPreset.paper("data").base())).isEmpty();
    }

    @Test
    void limitsComeFromTheServicesEnvironmentNames() {
        RunLimits l = RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_CLIENTS", "8", "FMKT_LIMITS_MEMORY_BYTES", "1024"));
        assertThat(l.clients()).isEqualTo(8);
        assertThat(l.memoryBytes()).isEqualTo(1024);
        assertThat(l.width()).isEqualTo(L.width());
        assertThatThrownBy(() -> RunLimits.fromEnvironment(Map.of("FMKT_LIMITS_WIDTH", "wide")))
                .hasMessageContaining("FMKT_LIMITS_WIDTH must be a whole number, got 'wide'");
        assertThat(L.checkHosted(65)).singleElement().extracting(RunLimits.Violation::key)
                .isEqualTo("fmkt.limits.clients-per-instance");
    }

    private static java.util.List<String> fields(ExperimentConfig c) {
        return L.check(c).stream().map(RunLimits.Violation::field).toList();
    }
}
