package io.fmkt.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fmkt.core.model.StageOutputs;
import io.fmkt.core.model.StageSelection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each term against values worked out by hand (numpy, see the comments) for tiny tensors. */
class LossTermsTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void crossEntropyIsTheBatchMeanOfNegativeLogLikelihood() {
        NDArray logits = m.create(new float[] {1, 2, 3, 1, 1, 1}, new Shape(2, 3));
        NDArray labels = m.create(new int[] {2, 0});
        // row 1: -(3 - log(e + e^2 + e^3)) = 0.40760596; row 2: log 3 = 1.09861229
        assertThat(CrossEntropy.loss(logits, labels).getFloat()).isCloseTo(0.75310913f, offset(1e-6f));
    }

    @Test
    void logitKdIsTSquaredTimesBatchmeanKl() {
        NDArray zs = m.create(new float[] {1, 2, 3, 0, 0, 1}, new Shape(2, 3));
        NDArray zt = m.create(new float[] {3, 2, 1, 1, 0, 0}, new Shape(2, 3));
        // sum_c p_t (log p_t - log p_s) at T=2, summed over rows, / 2 rows, * 4
        assertThat(new LogitKd(2).loss(zs, zt).getFloat()).isCloseTo(0.81810748f, offset(1e-6f));
        assertThat(new LogitKd(2).loss(zt, zt).getFloat()).isCloseTo(0f, offset(1e-7f));
    }

    @Test
    void featureMapMseUnderEachNormalisation() {
        NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
        NDArray b = m.create(new float[] {0, 2, 3, 6}, new Shape(1, 2, 1, 2));
        // (1 + 0 + 0 + 4) / 4
        assertThat(new FeatureMapMse(FeatureNorm.NONE).loss(a, b).getFloat()).isCloseTo(1.25f, offset(1e-6f));
        // a / sqrt(30) vs b / 7
        assertThat(new FeatureMapMse(FeatureNorm.L2).loss(a, b).getFloat()).isCloseTo(0.01748251f, offset(1e-6f));
        // channel means of squares: [5, 10] vs [4.5, 20], each L2-normalised
        assertThat(new FeatureMapMse(FeatureNorm.ATTENTION).loss(a, b).getFloat())
                .isCloseTo(0.02921927f, offset(1e-6f));
    }

    @Test
    void featureMapsOfDifferentShapesAreRejected() {
        NDArray a = m.zeros(new Shape(1, 2, 2, 2));
        NDArray b = m.zeros(new Shape(1, 4, 2, 2));
        assertThatThrownBy(() -> new FeatureMapMse(FeatureNorm.NONE).loss(a, b)).hasMessageContaining("differ in shape");
    }

    private StageOutputs outputs(long seed) {
        m.getEngine().setRandomSeed((int) seed);
        return new StageOutputs(m.randomNormal(new Shape(4, 10)), List.of(
                m.randomNormal(new Shape(4, 2, 8, 8)), m.randomNormal(new Shape(4, 4, 4, 4)),
                m.randomNormal(new Shape(4, 8, 2, 2)), m.randomNormal(new Shape(4, 16, 1, 1))));
    }

    @Test
    void emptyLayerSetIsExactlyTheLogitOnlyLoss() {
        StageOutputs a = outputs(1);
        StageOutputs b = outputs(2);
        NDArray y = m.create(new int[] {0, 3, 5, 9});
        FmktLoss loss = new FmktLoss(0.7, 3, 5, StageSelection.NONE, new double[] {1, 1, 1, 1}, FeatureNorm.NONE);
        float expected = CrossEntropy.loss(a.logits(), y).getFloat()
                + 0.7f * new LogitKd(3).loss(a.logits(), b.logits()).getFloat();
        FmktLoss.Terms t = loss.compute(a, b, y);
        assertThat(t.fm()).isEmpty();
        assertThat(t.total().getFloat()).isCloseTo(expected, offset(1e-5f));
    }

    @Test
    void selectedLayersAddBetaTimesTheirWeightedMse() {
        StageOutputs a = outputs(3);
        StageOutputs b = outputs(4);
        NDArray y = m.create(new int[] {1, 2, 3, 4});
        FmktLoss none = new FmktLoss(1, 3, 0.5, StageSelection.NONE, new double[] {1, 1, 1, 1}, FeatureNorm.NONE);
        FmktLoss some = new FmktLoss(1, 3, 0.5, StageSelection.parse("1,3"), new double[] {2, 9, 0.25, 9},
                FeatureNorm.NONE);
        FeatureMapMse mse = new FeatureMapMse(FeatureNorm.NONE);
        float expected = none.compute(a, b, y).total().getFloat()
                + 0.5f * (2 * mse.loss(a.stage(1), b.stage(1)).getFloat()
                + 0.25f * mse.loss(a.stage(3), b.stage(3)).getFloat());
        assertThat(some.compute(a, b, y).total().getFloat()).isCloseTo(expected, offset(1e-4f));
    }

    @Test
    void noGradientReachesTheDetachedPeer() {
        StageOutputs a = outputs(5);
        StageOutputs b = outputs(6);
        a.logits().setRequiresGradient(true);
        a.stage(2).setRequiresGradient(true);
        b.logits().setRequiresGradient(true);
        b.stage(2).setRequiresGradient(true);
        NDArray y = m.create(new int[] {1, 2, 3, 4});
        FmktLoss loss = new FmktLoss(1, 3, 1, StageSelection.parse("2"), new double[] {1, 1, 1, 1}, FeatureNorm.NONE);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.compute(a, b.detached(), y).total());
        }
        assertThat(a.logits().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(a.stage(2).getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        assertThat(b.logits().getGradient().abs().sum().getFloat()).isEqualTo(0f);
        assertThat(b.stage(2).getGradient().abs().sum().getFloat()).isEqualTo(0f);
    }

    @Test
    void stageSelectionParsesAndPrintsCanonically() {
        assertThat(StageSelection.parse("all")).isEqualTo(StageSelection.ALL);
        assertThat(StageSelection.parse("none").isEmpty()).isTrue();
        assertThat(StageSelection.parse("3,1").toString()).isEqualTo("1,3");
        assertThat(StageSelection.parse("1,2,3,4").toString()).isEqualTo("all");
        assertThatThrownBy(() -> StageSelection.parse("5")).hasMessageContaining("stage 5");
        assertThatThrownBy(() -> StageSelection.parse("x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> StageSelection.parse("2,2")).hasMessageContaining("twice");
    }

    @Test
    void mutualObjectiveHasTheGradientsOfBothDetachedLossesSummed() {
        for (FeatureNorm norm : FeatureNorm.values()) {
            FmktLoss loss = new FmktLoss(0.8, 2, 1.5, StageSelection.parse("1,2,4"), new double[] {1, 2, 3, 0.5}, norm);
            NDArray y = m.create(new int[] {0, 1, 2, 3});
            float[][] simple = gradients(loss, y, false);
            float[][] mutual = gradients(loss, y, true);
            for (int i = 0; i < simple.length; i++) {
                assertThat(mutual[i]).as("%s tensor %d", norm, i).containsExactly(simple[i], offset(1e-6f));
            }
        }
    }

    /** Gradients w.r.t. both sides' logits and stage maps, by the simple path or the mutual one. */
    private float[][] gradients(FmktLoss loss, NDArray y, boolean mutual) {
        StageOutputs a = outputs(11);
        StageOutputs b = outputs(12);
        java.util.List<NDArray> leaves = new java.util.ArrayList<>();
        for (StageOutputs o : java.util.List.of(a, b)) {
            leaves.add(o.logits());
            leaves.addAll(o.stages());
        }
        leaves.forEach(t -> t.setRequiresGradient(true));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray objective = mutual ? loss.computeMutual(a, b, y).objective()
                    : loss.compute(a, b.detached(), y).total().add(loss.compute(b, a.detached(), y).total());
            gc.backward(objective);
        }
        return leaves.stream().map(t -> t.getGradient().toFloatArray()).toArray(float[][]::new);
    }
}
