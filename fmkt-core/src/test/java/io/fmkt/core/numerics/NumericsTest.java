package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericsTest {

    @Test
    void parsesBothModesAndTreatsAbsentAsNative() {
        assertThat(Numerics.parse("portable")).isEqualTo(Numerics.PORTABLE);
        assertThat(Numerics.parse("NATIVE")).isEqualTo(Numerics.NATIVE);
        assertThat(Numerics.parse(null)).isEqualTo(Numerics.NATIVE);
    }

    @Test
    void anUnknownModeIsRefusedWhenTheConfigIsBuilt() {
        assertThatThrownBy(() -> ExperimentConfig.builder().numerics("fast").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown numerics 'fast'")
                .hasMessageContaining("native or portable");
    }

    @Test
    void portablePinsEveryKnobAndTheThreads() {
        assertThat(Numerics.PORTABLE.environment()).containsOnlyKeys("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA",
                "MKL_CBWR", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_DYNAMIC", "MKL_DYNAMIC");
        assertThat(Numerics.PORTABLE.intraOpThreads()).isEqualTo(2);
        assertThat(Numerics.NATIVE.environment()).isEmpty();
    }

    @Test
    void aRunLoggedBeforeTheModeExistedReadsAsNative() throws Exception {
        WireCodec codec = new WireCodec();
        RunStarted run = RunStarted.of("run-old", ExperimentConfig.builder().numerics("portable").build(),
                Instant.parse("2026-11-01T00:00:00Z"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(codec.encode(run));
        assertThat(((ObjectNode) node.get("config")).remove("numerics").asText()).isEqualTo("portable");
        RunStarted old = codec.decode(json.writeValueAsBytes(node), RunStarted.class);
        assertThat(old.config().numerics()).isEqualTo(Numerics.NATIVE);
    }

    @Test
    void portableNeedsAvx2AndFma(@TempDir Path tmp) throws Exception {
        Path old = Files.writeString(tmp.resolve("cpuinfo"), "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n");
        assertThatThrownBy(() -> NumericsSetup.requireCpu(old)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AVX2 and FMA").hasMessageContaining("--numerics native");
        Path modern = Files.writeString(tmp.resolve("cpuinfo2"), "flags\t\t: fpu sse avx fma avx2 avx512f\n");
        assertThatCode(() -> NumericsSetup.requireCpu(modern)).doesNotThrowAnyException();
    }

    @Test
    void aProcessKeepsItsFirstMode() {
        NumericsSetup.apply(Numerics.NATIVE); // this test JVM runs native, as every other test here
        assertThatThrownBy(() -> NumericsSetup.apply(Numerics.PORTABLE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already runs PyTorch with native numerics");
        assertThat(NumericsSetup.applied()).isEqualTo(Numerics.NATIVE);
    }
}
