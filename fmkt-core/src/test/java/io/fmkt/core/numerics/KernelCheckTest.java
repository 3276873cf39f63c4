package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fmkt.core.model.CifarResNet18;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel check against float64 ATen: right kernels pass it with float32 rounding to spare, and
 * a wrong answer (injected, as no kernel of this machine is known to be wrong) fails it by name.
 */
class KernelCheckTest {
    private static final List<ConvShape> WIDTH_4 = CifarResNet18.convolutions(4);

    @Test
    void atensFloat32ConvolutionsAgreeWithItsFloat64OnesWithinRounding() {
        KernelCheck.Report r = KernelCheck.run(Convolutions.ATEN, WIDTH_4, 16, 32);
        assertThat(r.passed()).as(r.describe()).isTrue();
        // float32 against float64: rounding shows, so the two answers are not the same kernels twice
        assertThat(r.worstError()).isGreaterThan(1e-8).isLessThan(KernelCheck.TOLERANCE / 10);
    }

    @Test
    void theKernelsThisProcessUsesAtWidth16PassOnTheRunsBatchSizes() {
        // oneDNN here (native): width 16 was right on every processor tried, the Zen 5 of issue 23 included
        KernelCheck.Report r = KernelCheck.run(Convolutions.forWidth(16), CifarResNet18.convolutions(16), 64, 256);
        assertThat(r.passed()).as(r.describe()).isTrue();
        assertThat(r.shapes()).hasSize(12);
    }

    @Test
    void aWrongWeightGradientFailsTheCheckNamingTheConvolution() {
        // ATen's kernels: the one answer wrong here is the injected one, on any processor
        KernelCheck.Report r = withFault(() -> KernelCheck.run(Convolutions.ATEN, WIDTH_4, 16, 0));
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.conv().name()).isEqualTo("layer2.0.conv1");
            assertThat(f.output()).isEqualTo("weight gradient");
            assertThat(f.relativeError()).isBetween(0.009, 0.011);
        });
        assertThat(r.describe()).contains("aten convolutions give wrong answers", "layer2.0.conv1 (4->8, 3x3/2, 32x32)",
                "injected for a test (FMKT_KERNEL_CHECK_FAULT): wrong-gradient", "run on another machine");
    }

    @Test
    void aOneDnnFailureSaysToUsePortableNumerics() {
        KernelCheck.Finding wrong = new KernelCheck.Finding(WIDTH_4.get(1), 64, "weight gradient", 0.14);
        KernelCheck.Report r = new KernelCheck.Report(Convolutions.ONEDNN, WIDTH_4, 64, 256, 0.14, List.of(wrong), 1,
                null);
        assertThat(r.describe()).contains("onednn convolutions give wrong answers", "off by 0.140",
                "--numerics portable", "FMKT_NUMERICS=portable").doesNotContain("injected");
    }

    @Test
    void requireThrowsOnAFailureAndKeepsTheVerdict() {
        withFault(() -> {
            assertThatThrownBy(() -> KernelCheck.require(Convolutions.ATEN, WIDTH_4, 8, 0))
                    .isInstanceOf(KernelCheck.FailedException.class)
                    .hasMessageContaining("aten convolutions give wrong answers")
                    .hasMessageContaining("run on another machine");
            assertThat(KernelCheck.failed()).anySatisfy(f -> assertThat(f.trainBatch()).isEqualTo(8));
            return null;
        });
        // without the fault, the same kernels pass: a verdict belongs to its (kernels, shapes, batches, fault)
        assertThat(KernelCheck.require(Convolutions.ATEN, WIDTH_4, 8, 0).passed()).isTrue();
    }

    @Test
    void aNanAnswerFails() {
        assertThat(KernelCheck.relativeError(new double[] {Double.NaN, 1}, new double[] {1, 1})).isNaN();
        assertThat(new KernelCheck.Finding(WIDTH_4.get(0), 1, "output", Double.NaN).ok()).isFalse();
    }

    @Test
    void endsAreTheFirstAndLastFourAlongAnAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.arange(0f, 10f * 12f).reshape(10, 12);
            assertThat(KernelCheck.ends(a, 0).getShape()).isEqualTo(new Shape(8, 12));
            assertThat(KernelCheck.ends(a, 0).get(":, 0").toFloatArray()).containsExactly(0, 12, 24, 36, 72, 84, 96,
                    108);
            assertThat(KernelCheck.ends(a, 1).get(0).toFloatArray()).containsExactly(0, 1, 2, 3, 8, 9, 10, 11);
            assertThat(KernelCheck.ends(a.get("0:3"), 0).getShape()).isEqualTo(new Shape(3, 12));
        }
    }

    private static <T> T withFault(java.util.function.Supplier<T> body) {
        System.setProperty(KernelCheck.FAULT_PROPERTY, "wrong-gradient");
        try {
            return body.get();
        } finally {
            System.clearProperty(KernelCheck.FAULT_PROPERTY);
        }
    }
}
