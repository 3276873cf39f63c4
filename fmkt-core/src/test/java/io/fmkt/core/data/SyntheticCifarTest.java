package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCifarTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesByteIdenticalFilesAndArchives() throws IOException {
        Path a = SyntheticCifar.writeDirectory(tmp.resolve("a"), 5, 6, 7);
        Path b = SyntheticCifar.writeDirectory(tmp.resolve("b"), 5, 6, 7);
        List<String> names = new ArrayList<>(CifarReader.TRAIN_FILES);
        names.add(CifarReader.TEST_FILE);
        names.add(CifarReader.META_FILE);
        for (String name : names) {
            assertThat(Files.readAllBytes(a.resolve(name))).as(name).isEqualTo(Files.readAllBytes(b.resolve(name)));
        }
        assertThat(Files.size(a.resolve("data_batch_3.bin"))).isEqualTo(6L * CifarReader.RECORD_BYTES);
        assertThat(Files.size(a.resolve("test_batch.bin"))).isEqualTo(7L * CifarReader.RECORD_BYTES);
        assertThat(Files.readString(a.resolve(CifarReader.META_FILE))).startsWith("airplane\nautomobile\n");

        Path ta = SyntheticCifar.writeTarGz(tmp.resolve("a.tar.gz"), 5, 6, 7);
        Path tb = SyntheticCifar.writeTarGz(tmp.resolve("b.tar.gz"), 5, 6, 7);
        assertThat(Files.readAllBytes(ta)).isEqualTo(Files.readAllBytes(tb));
        Path tc = SyntheticCifar.writeTarGz(tmp.resolve("c.tar.gz"), 6, 6, 7);
        assertThat(Files.readAllBytes(tc)).isNotEqualTo(Files.readAllBytes(ta));
    }

    @Test
    void differentSeedsGiveDifferentData() {
        CifarData a = SyntheticCifar.generate(1, 4, 10);
        CifarData b = SyntheticCifar.generate(2, 4, 10);
        assertThat(a.train().pixels()).isNotEqualTo(b.train().pixels());
        assertThat(a.test().pixels()).isNotEqualTo(b.test().pixels());
        assertThat(a.train().pixels()).isNotEqualTo(a.test().pixels());
    }

    @Test
    void inMemoryDataEqualsWhatIsWrittenAndReadBack() throws IOException {
        CifarData mem = SyntheticCifar.generate(9, 3, 4);
        CifarData disk = CifarReader.read(SyntheticCifar.writeDirectory(tmp, 9, 3, 4));
        assertThat(disk.train().labels()).isEqualTo(mem.train().labels());
        assertThat(disk.train().pixels()).isEqualTo(mem.train().pixels());
        assertThat(disk.test().labels()).isEqualTo(mem.test().labels());
        assertThat(disk.test().pixels()).isEqualTo(mem.test().pixels());
    }

    @Test
    void imagesDrawnOnDemandEqualTheGeneratedSetByteForByte() {
        CifarData all = SyntheticCifar.generate(11, 8, 6);
        TrainingImages lazy = SyntheticCifar.trainingImages(11, 8);
        assertThat(lazy.size()).isEqualTo(all.train().size());
        for (int i = 0; i < lazy.size(); i++) {
            assertThat(lazy.label(i)).as("label %d", i).isEqualTo(all.train().label(i));
        }
        int[] some = {39, 0, 7, 7, 21};
        ImageSet drawn = lazy.select(some);
        assertThat(drawn.labels()).isEqualTo(all.train().select(some).labels());
        assertThat(drawn.pixels()).isEqualTo(all.train().select(some).pixels());
        assertThat(lazy.classCounts()).isEqualTo(all.train().classCounts());
        assertThat(SyntheticCifar.testImages(11, 6).pixels()).isEqualTo(all.test().pixels());
        assertThat(SyntheticCifar.trainingImages(12, 8).select(some).pixels()).isNotEqualTo(drawn.pixels());
    }

    @Test
    void labelsAreBalancedAndShuffled() {
        ImageSet train = SyntheticCifar.generate(4, 21, 0).train(); // 105 images
        for (int count : train.classCounts()) {
            assertThat(count).isBetween(10, 11);
        }
        byte[] sorted = train.labels().clone();
        Arrays.sort(sorted);
        byte[] cyclic = new byte[105];
        for (int i = 0; i < 105; i++) {
            cyclic[i] = (byte) (i % 10);
        }
        assertThat(train.labels()).isNotEqualTo(sorted).isNotEqualTo(cyclic);
    }

    @Test
    void classesAreLearnableButImagesAreNotCopies() {
        CifarData data = SyntheticCifar.generate(17, 60, 200); // 300 train, 200 test
        ImageSet train = data.train();
        int d = ImageSet.IMAGE_BYTES;

        // Nearest class mean in pixel space: a much weaker learner than a CNN must beat chance (10 %) by far.
        double[][] means = new double[10][d];
        int[] counts = train.classCounts();
        for (int i = 0; i < train.size(); i++) {
            for (int j = 0; j < d; j++) {
                means[train.label(i)][j] += (train.pixels()[i * d + j] & 0xFF) / (double) counts[train.label(i)];
            }
        }
        ImageSet test = data.test();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (test.pixels()[i * d + j] & 0xFF) - means[c][j];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            correct += best == test.label(i) ? 1 : 0;
        }
        assertThat(correct / (double) test.size()).isGreaterThan(0.3); // 0.45 at the time of writing

        // Two images of the same class differ substantially (mean absolute pixel difference).
        int first = -1;
        int second = -1;
        for (int i = 0; i < train.size() && second < 0; i++) {
            if (train.label(i) == 0) {
                if (first < 0) {
                    first = i;
                } else {
                    second = i;
                }
            }
        }
        long sum = 0;
        for (int j = 0; j < d; j++) {
            sum += Math.abs((train.pixels()[first * d + j] & 0xFF) - (train.pixels()[second * d + j] & 0xFF));
        }
        assertThat(sum / (double) d).isGreaterThan(15);
    }
}
