package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.nn.Parameter;
import io.fmkt.core.loss.FeatureMapMse;
import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.loss.LogitKd;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on when the garbage collector runs. With DJL's {@code x.mul(Number)} they
 * do: the number's direct buffer is freed between forward and backward, and backward reads whatever
 * the memory holds then. {@link Scalars} keeps the number in memory PyTorch owns.
 */
class ScalarsTest {

    @Test
    void djlsNumberOperandIsFreedBeforeBackwardAndTheGradientIsGarbage() throws InterruptedException {
        // The hazard itself, so that the test below is known to provoke it: d(3x)/dx should be 3.
        boolean corrupted = false;
        for (int attempt = 0; attempt < 5 && !corrupted; attempt++) {
            float[] g = gradient(new float[] {1, 2, 3}, x -> x.mul(3f).sum(), true);
            corrupted = g[0] != 3f;
        }
        assertThat(corrupted).as("DJL's Number operand read after a collection (fixed in DJL? drop Scalars)").isTrue();
    }

    @Test
    void aScalarsOperandSurvivesACollectionBetweenForwardAndBackward() throws InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(gradient(new float[] {1, 2, 3}, x -> x.mul(Scalars.of(x, 3f)).sum(), true))
                    .containsExactly(3f, 3f, 3f);
        }
    }

    @Test
    void theDistillationLossesGiveTheSameGradientsWhetherOrNotACollectionRunsBeforeBackward()
            throws InterruptedException {
        float[] z = random(2 * 10, 1);
        float[] f = random(2 * 4 * 3 * 3, 2);
        float[] peerZ = random(2 * 10, 3);
        float[] peerF = random(2 * 4 * 3 * 3, 4);
        LogitKd kd = new LogitKd(3.0);
        FeatureMapMse mse = new FeatureMapMse(FeatureNorm.L2);
        Function<NDArray, NDArray> kdLoss = x -> kd.loss(x.reshape(2, 10), x.getManager().create(peerZ, new Shape(2, 10)));
        Function<NDArray, NDArray> fmLoss = x -> mse.loss(x.reshape(2, 4, 3, 3),
                x.getManager().create(peerF, new Shape(2, 4, 3, 3)));
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(gradient(z, kdLoss, true)).containsExactly(gradient(z, kdLoss, false));
            assertThat(gradient(f, fmLoss, true)).containsExactly(gradient(f, fmLoss, false));
        }
    }

    /**
     * The whole fusion step as MutualDistillation runs it (two ResNets, the mutual FM-kt objective
     * over all four stages, L2-normalised maps): every parameter's gradient is the same whether or not
     * a collection runs between forward and backward, so nothing in the model or the loss leaves a
     * number to the collector.
     */
    @Test
    void aFusionStepsGradientsThroughBothModelsDoNotDependOnACollection() throws InterruptedException {
        float[] images = random(2 * 3 * 32 * 32, 5);
        FmktLoss loss = new FmktLoss(1.0, 4.0, 0.5, new StageSelection(new int[] {1, 2, 3, 4}),
                new double[] {1, 1, 1, 1}, FeatureNorm.L2);
        assertThat(fusionGradients(images, loss, true)).isDeepEqualTo(fusionGradients(images, loss, false));
    }

    private static float[][] fusionGradients(float[] images, FmktLoss loss, boolean collect)
            throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 2, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 2, 10, 2);
             ConvolutionSwitch.Lease kernels = ConvolutionSwitch.forWidth(2)) {
            NDArray x = m.create(images, new Shape(2, 3, 32, 32));
            NDArray y = m.create(new int[] {3, 7});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray objective = loss.computeMutual(a.forward(x, true), b.forward(x, true), y).objective();
                if (collect) {
                    collectAndReuseFreedMemory();
                }
                gc.backward(objective);
            }
            List<float[]> grads = new ArrayList<>();
            for (ResNetModel model : List.of(a, b)) {
                for (Parameter p : model.parameters()) {
                    if (p.requiresGradient()) {
                        grads.add(p.getArray().getGradient().toFloatArray());
                    }
                }
            }
            return grads.toArray(float[][]::new);
        }
    }

    /** d loss(x) / dx at {@code values}, with a full collection (and its cleaners) between forward and backward. */
    private static float[] gradient(float[] values, Function<NDArray, NDArray> loss, boolean collect)
            throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(values);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(x);
                if (collect) {
                    collectAndReuseFreedMemory();
                }
                gc.backward(l);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Runs collections until a dropped direct buffer is gone, then lets its cleaner run and allocates over it. */
    private static void collectAndReuseFreedMemory() throws InterruptedException {
        WeakReference<ByteBuffer> canary = new WeakReference<>(ByteBuffer.allocateDirect(4));
        for (int i = 0; i < 50 && canary.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        Thread.sleep(100); // the cleaner thread frees the native memory of what was collected
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            reuse.add(ByteBuffer.allocateDirect(4).putFloat(0, 1000f));
        }
        assertThat(reuse).hasSize(1000);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
