package io.fmkt.core.model;

import io.fmkt.core.numerics.ConvolutionSwitch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CifarResNet18Test {

    @Test
    void fullWidthHasTheTorchvisionCifarParameterCount() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.blank(m, 64, 10)) {
            assertThat(model.trainableParameterCount()).isEqualTo(11_173_962L);
            // BatchNorm running mean and variance: 2 x 4,800 channels more on the wire.
            assertThat(model.totalValueCount()).isEqualTo(11_183_562L);
        }
    }

    @Test
    void forwardReturnsLogitsAndFourStageTapsWithDocumentedShapes() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, 4, 10, 1L);
             ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(4)) {
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            StageOutputs out = model.forward(x, false);
            assertThat(out.logits().getShape()).isEqualTo(new Shape(2, 10));
            assertThat(out.stage(1).getShape()).isEqualTo(new Shape(2, 4, 32, 32));
            assertThat(out.stage(2).getShape()).isEqualTo(new Shape(2, 8, 16, 16));
            assertThat(out.stage(3).getShape()).isEqualTo(new Shape(2, 16, 8, 8));
            assertThat(out.stage(4).getShape()).isEqualTo(new Shape(2, 32, 4, 4));
            assertThatThrownBy(() -> out.stage(5)).hasMessageContaining("1..4");
        }
    }

    /** The kernel check's list of convolutions is the model's: every conv weight's shape, and no other. */
    @Test
    void theListedConvolutionsAreTheModelsOwn() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.blank(m, 4, 10)) {
            java.util.Set<Shape> weights = new java.util.HashSet<>();
            for (ai.djl.nn.Parameter p : model.parameters()) {
                if (p.getArray().getShape().dimension() == 4) {
                    weights.add(p.getArray().getShape());
                }
            }
            java.util.Set<Shape> listed = new java.util.HashSet<>();
            for (io.fmkt.core.numerics.ConvShape c : CifarResNet18.convolutions(4)) {
                listed.add(new Shape(c.outChannels(), c.inChannels(), c.kernel(), c.kernel()));
            }
            assertThat(listed).isEqualTo(weights);
            assertThat(CifarResNet18.convolutions(4)).extracting(io.fmkt.core.numerics.ConvShape::toString)
                    .contains("layer2.0.conv1 (4->8, 3x3/2, 32x32)", "layer4.0.conv2 (32->32, 3x3/1, 4x4)",
                            "layer3.0.downsample (8->16, 1x1/2, 16x16)");
        }
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndOtherSeedDiffers() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 4, 10, 7L);
             ResNetModel b = ResNetModel.initialised(m, 4, 10, 7L);
             ResNetModel c = ResNetModel.initialised(m, 4, 10, 8L)) {
            float[][] va = a.values();
            assertThat(b.values()).isDeepEqualTo(va);
            assertThat(c.values()[0]).isNotEqualTo(va[0]);
        }
    }

    @Test
    void kaimingInitHasTheFanOutStandardDeviation() {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel model = ResNetModel.initialised(m, 16, 10, 3L)) {
            // layer3's first conv: 64 filters of 32x3x3 -> std sqrt(2 / (64*9))
            int i = model.parameterNames().indexOf(model.parameterNames().stream()
                    .filter(n -> n.startsWith("04layer3")).findFirst().orElseThrow());
            float[] w = model.values()[i];
            double var = 0;
            for (float f : w) {
                var += f * f;
            }
            double std = Math.sqrt(var / w.length);
            assertThat(std).isCloseTo(Math.sqrt(2.0 / (64 * 9)), org.assertj.core.data.Offset.offset(0.004));
        }
    }

    @Test
    void badWidthIsRejectedWithTheValue() {
        assertThatThrownBy(() -> CifarResNet18.create(0, 10)).hasMessageContaining("got 0");
    }
}
