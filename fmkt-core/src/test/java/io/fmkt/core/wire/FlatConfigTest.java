package io.fmkt.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.config.FusionMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records and files written before the config was grouped (issue 12) hold it as one flat object:
 * the compacted runs topic keeps such {@code RunStarted} records, and study directories such
 * {@code config.json} files. The fixtures in {@code legacy/} were written by that code.
 */
class FlatConfigTest {
    private static final Path LEGACY = Path.of("src/test/resources/legacy");
    private final WireCodec codec = new WireCodec();

    /** As fmkt-report's RunOutputs.readConfig reads a run directory's config.json: plain Jackson. */
    private static ExperimentConfig readConfig(Path file) throws java.io.IOException {
        return new ObjectMapper().readValue(file.toFile(), ExperimentConfig.class);
    }

    @Test
    void aFlatRunStartedFromTheLogReadsAsTheSameRun() throws Exception {
        byte[] old = Files.readAllBytes(LEGACY.resolve("run-started-flat.json"));
        assertThat(new String(old)).contains("\"layers\":\"1,3\"").doesNotContain("\"schedule\"");
        RunStarted back = codec.decode(old, RunStarted.class);
        assertThat(back).isEqualTo(Samples.runStarted());
        // Written again, it takes the grouped shape, and reads back equal.
        assertThat(codec.decode(codec.encode(back), RunStarted.class)).isEqualTo(back);
    }

    @Test
    void flatConfigJsonFilesReadAsTheConfigsThatWroteThem() throws Exception {
        assertThat(readConfig(LEGACY.resolve("config-flat-defaults.json")))
                .isEqualTo(ExperimentConfig.defaults());
        ExperimentConfig written = ExperimentConfig.builder().clients(10).pairs(3).rounds(20)
                .partition("dirichlet:0.5").layers("1,3").layerWeights(new double[] {0.5, 1, 2, 1}).norm("attention")
                .keep("best").dataSha256("0123456789abcdef".repeat(4)).data("cifar10").perClientCap(1000)
                .testCap(2000).width(16).seed(42).localEpochs(3).fusionLearningRate(0.02).augment(false)
                .temperature(4).alpha(0.5).beta(2).numerics("portable").build();
        assertThat(readConfig(LEGACY.resolve("config-flat.json"))).isEqualTo(written);
    }

    @Test
    void aFlatConfigFromBeforeTheFusionAndNumericsSettingsTakesTheirDefaults(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode old = (ObjectNode) json.readTree(LEGACY.resolve("config-flat.json").toFile());
        old.remove("fusion");
        old.remove("numerics");
        Path file = dir.resolve("config.json");
        json.writeValue(file.toFile(), old);
        ExperimentConfig c = readConfig(file);
        assertThat(c.fusion().method()).isEqualTo(FusionMethod.FMKT);
        assertThat(c.numerics()).isEqualTo(io.fmkt.core.numerics.Numerics.NATIVE);
    }

    @Test
    void aFlatRecordMissingASettingNamesItWhereItNowLives() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode old = (ObjectNode) json.readTree(LEGACY.resolve("run-started-flat.json").toFile());
        ((ObjectNode) old.get("config")).remove("temperature");
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(WireException.class,
                () -> codec.decode(json.writeValueAsBytes(old), RunStarted.class)))
                .hasMessage("missing required field 'config.fusion.temperature' in run-started");
    }
}
