package io.fmkt.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.CifarResNet18;
import io.fmkt.core.model.ResNetModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightCodecTest {

    @Test
    void roundTripIsBitExactAndTheHeaderDescribesTheModel() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 4, 10, 11);
             ResNetModel b = ResNetModel.blank(m, 4, 10)) {
            byte[] bytes = WeightCodec.encode(a);
            WeightCodec.Header h = WeightCodec.header(bytes);
            assertThat(h.architecture()).isEqualTo(CifarResNet18.ARCHITECTURE);
            assertThat(h.width()).isEqualTo(4);
            assertThat(h.classes()).isEqualTo(10);
            assertThat(h.values()).isEqualTo(a.totalValueCount());
            WeightCodec.decodeInto(bytes, b);
            assertThat(b.values()).isDeepEqualTo(a.values());
            assertThat(WeightCodec.encode(b)).isEqualTo(bytes);
        }
    }

    @Test
    void mismatchedWidthIsRejectedNamingBothArchitectures() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 4, 10, 1);
             ResNetModel b = ResNetModel.blank(m, 8, 10)) {
            assertThatThrownBy(() -> WeightCodec.decodeInto(WeightCodec.encode(a), b))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("architecture mismatch").hasMessageContaining("width 4")
                    .hasMessageContaining("width 8");
        }
    }

    @Test
    void aFlippedByteFailsTheDigestAndLeavesTheModelUntouched() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 2)) {
            byte[] bytes = WeightCodec.encode(a);
            bytes[bytes.length - 3] ^= 0x10;
            float[][] before = b.values();
            assertThatThrownBy(() -> WeightCodec.decodeInto(bytes, b)).isInstanceOf(CodecException.class)
                    .hasMessageContaining("corrupted").hasMessageContaining("sha256");
            assertThat(b.values()).isDeepEqualTo(before);
        }
    }

    @Test
    void truncatedOrForeignBytesAreRejected() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1)) {
            byte[] bytes = WeightCodec.encode(a);
            assertThatThrownBy(() -> WeightCodec.header(Arrays.copyOf(bytes, 12))).hasMessageContaining("truncated");
            assertThatThrownBy(() -> WeightCodec.decodeInto(Arrays.copyOf(bytes, bytes.length - 8), a))
                    .isInstanceOf(CodecException.class);
            assertThatThrownBy(() -> WeightCodec.header("PK\u0003\u0004 not weights".getBytes()))
                    .hasMessageContaining("bad magic");
        }
    }

    @Test
    void featureSnapshotRoundTripsWithShapes() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1)) {
            var probe = FeatureSnapshot.probe(io.fmkt.core.data.SyntheticCifar.generate(1, 0, 50).test(), 8, 42);
            FeatureSnapshot s = FeatureSnapshot.capture(a, probe);
            assertThat(s.shapes()).isDeepEqualTo(new long[][] {{8, 2, 32, 32}, {8, 4, 16, 16}, {8, 8, 8, 8},
                {8, 16, 4, 4}});
            byte[] bytes = FeatureSnapshotCodec.encode(s);
            assertThat(FeatureSnapshotCodec.decode(bytes)).isEqualTo(s);
            bytes[bytes.length - 1] ^= 1;
            assertThatThrownBy(() -> FeatureSnapshotCodec.decode(bytes)).hasMessageContaining("corrupted");
        }
    }

    @Test
    void theProbeIsAFunctionOfTheRunSeed() {
        var test = io.fmkt.core.data.SyntheticCifar.generate(1, 0, 100).test();
        assertThat(FeatureSnapshot.probe(test, 16, 7).pixels()).isEqualTo(FeatureSnapshot.probe(test, 16, 7).pixels());
        assertThat(FeatureSnapshot.probe(test, 16, 7).pixels()).isNotEqualTo(FeatureSnapshot.probe(test, 16, 8).pixels());
    }
}
