package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConvolutionSwitchTest {

    @Test
    void narrowModelsAndPortableNumericsUseAtensConvolutions() {
        assertThat(Convolutions.of(Numerics.NATIVE, 4)).isEqualTo(Convolutions.ATEN);
        assertThat(Convolutions.of(Numerics.NATIVE, 8)).isEqualTo(Convolutions.ATEN);
        assertThat(Convolutions.of(Numerics.NATIVE, 16)).isEqualTo(Convolutions.ONEDNN);
        assertThat(Convolutions.of(Numerics.NATIVE, 64)).isEqualTo(Convolutions.ONEDNN);
        assertThat(Convolutions.of(Numerics.PORTABLE, 64)).isEqualTo(Convolutions.ATEN);
    }

    @Test
    void aLeaseSetsLibtorchsSwitchAndTheConvolutionChangesWithIt() {
        float[] onednn;
        float[] aten;
        try (ConvolutionSwitch.Lease l = ConvolutionSwitch.use(Convolutions.ONEDNN)) {
            assertThat(AtenContext.get().convolutions()).isEqualTo(Convolutions.ONEDNN);
            onednn = convolve();
        }
        try (ConvolutionSwitch.Lease l = ConvolutionSwitch.use(Convolutions.ATEN)) {
            assertThat(AtenContext.get().convolutions()).isEqualTo(Convolutions.ATEN);
            assertThat(ConvolutionSwitch.current()).isEqualTo(Convolutions.ATEN);
            aten = convolve();
        }
        // two libraries: the same numbers to rounding, but not the same bits
        assertThat(aten).isNotEqualTo(onednn);
        assertThat(aten).containsExactly(onednn, org.assertj.core.data.Offset.offset(1e-3f));
    }

    @Test
    void aStepForTheOtherKernelsWaitsUntilTheLastLeaseIsReturned() throws Exception {
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try (ConvolutionSwitch.Lease l = ConvolutionSwitch.use(Convolutions.ONEDNN)) {
                taken.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Convolutions> other = CompletableFuture.supplyAsync(() -> {
            try (ConvolutionSwitch.Lease l = ConvolutionSwitch.use(Convolutions.ATEN)) {
                return ConvolutionSwitch.current();
            }
        });
        Thread.sleep(200);
        assertThat(other).isNotDone();
        // the same kernels as the holder would be admitted now, but not ahead of the waiting step
        CompletableFuture<Boolean> same = CompletableFuture.supplyAsync(() -> {
            try (ConvolutionSwitch.Lease l = ConvolutionSwitch.use(Convolutions.ONEDNN)) {
                return other.isDone();
            }
        });
        Thread.sleep(200);
        assertThat(same).isNotDone();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(Convolutions.ATEN);
        assertThat(same.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aThreadMayNestLeasesOfItsKindButNotSwitchInsideAStep() {
        try (ConvolutionSwitch.Lease outer = ConvolutionSwitch.use(Convolutions.ATEN)) {
            try (ConvolutionSwitch.Lease inner = ConvolutionSwitch.use(Convolutions.ATEN)) {
                assertThat(inner.kind()).isEqualTo(Convolutions.ATEN);
            }
            ConvolutionSwitch.requireHeld("still held after the nested lease");
            assertThatThrownBy(() -> ConvolutionSwitch.use(Convolutions.ONEDNN))
                    .hasMessageContaining("cannot switch to onednn inside that step");
        }
        assertThatThrownBy(() -> ConvolutionSwitch.requireHeld("a forward pass"))
                .hasMessageContaining("a forward pass runs outside a lease");
    }

    private static float[] convolve() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(8 * 16 * 16 * 16).toType(DataType.FLOAT32, false).sin().reshape(8, 16, 16, 16);
            NDArray w = m.arange(32 * 16 * 9).toType(DataType.FLOAT32, false).cos().reshape(32, 16, 3, 3);
            return Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow().toFloatArray();
        }
    }
}
