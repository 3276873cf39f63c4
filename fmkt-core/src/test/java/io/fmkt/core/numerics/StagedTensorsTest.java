package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Tensors filled through one reused direct buffer: each keeps its own values although the buffer
 * is overwritten by the next, and many of them leave no direct memory behind for the collector.
 */
class StagedTensorsTest {

    @Test
    void eachTensorKeepsItsValuesWhenTheBufferIsReused() {
        StagedTensors staged = new StagedTensors();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = staged.floats(m, new float[] {1.5f, -2, 3.25f, 0.1f}, new Shape(2, 2));
            NDArray b = staged.floats(m, new float[] {7, 8, 9}, new Shape(3));
            NDArray c = staged.floats(m, new float[64 * 64], new Shape(64, 64)); // a larger buffer
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.getShape()).isEqualTo(new Shape(2, 2));
            assertThat(a.toFloatArray()).containsExactly(1.5f, -2f, 3.25f, 0.1f);
            assertThat(b.toFloatArray()).containsExactly(7f, 8f, 9f);
            assertThat(c.sum().getFloat()).isZero();
        }
    }

    @Test
    void fillingManyTensorsKeepsOneBufferOfDirectMemory() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        StagedTensors staged = new StagedTensors();
        float[] mib = new float[256 * 1024];
        try (NDManager m = NDManager.newBaseManager()) {
            staged.floats(m, mib, new Shape(mib.length)).close();
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 64; i++) {
                mib[0] = i;
                try (NDArray t = staged.floats(m, mib, new Shape(mib.length))) {
                    assertThat(t.getFloat(0)).isEqualTo(i);
                }
            }
            // DJL's create(float[]) would leave 64 MiB of direct buffers until a garbage collection
            assertThat(direct.getMemoryUsed() - before).isLessThan(1 << 20);
        }
    }
}
