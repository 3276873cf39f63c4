package io.fmkt.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.data.ImageSet;
import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.config.KeepPolicy;
import io.fmkt.core.config.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * DJL keeps every NDArray of a step alive unless its manager is closed (~130 MB per step at
 * width 64 without a sub-manager). Native memory does not show in the Java heap, so this watches
 * the process's resident set over 300+ training and fusion steps.
 */
class MemoryStabilityTest {

    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void residentMemoryStaysFlatOver300Steps() throws IOException {
        ImageSet data = SyntheticCifar.generate(5, 64, 0).train(); // 320 images = 10 steps of 32
        TrainingConfig local = new TrainingConfig(10, 32, 0.01, 0.9, 5e-4, 5, true);
        FusionSettings fusion = MutualDistillationTest.settings("all", 2, KeepPolicy.RECEIVED, 0.01);
        try (NDManager m = NDManager.newBaseManager();
             ResNetModel a = ResNetModel.initialised(m, 8, 10, 1);
             ResNetModel b = ResNetModel.initialised(m, 8, 10, 2)) {
            long[] rss = new long[4];
            int steps = 0;
            for (int chunk = 0; chunk < rss.length; chunk++) {
                steps += LocalTrainer.train(a, data, local, new SplittableRandom(chunk)).steps();
                steps += new MutualDistillation(fusion).fuse(a, b, data, new SplittableRandom(chunk)).steps();
                rss[chunk] = residentKb();
            }
            assertThat(steps).isGreaterThanOrEqualTo(300);
            // A leaked batch graph at width 8, batch 32 is > 5 MB per step: 200 steps would add > 1 GB.
            long growthMb = (rss[3] - rss[1]) / 1024;
            assertThat(growthMb).as("RSS growth over the last 200 steps, MB (rss kB: %s)", java.util.Arrays.toString(rss))
                    .isLessThan(100);
        }
    }
}
