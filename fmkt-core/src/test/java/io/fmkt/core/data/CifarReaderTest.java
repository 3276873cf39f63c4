package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    private static final long SEED = 21;
    private static final int PER_BATCH = 4;
    private static final int TEST = 6;
    private static final CifarData EXPECTED = SyntheticCifar.generate(SEED, PER_BATCH, TEST);

    @TempDir
    Path tmp;

    private static void assertSame(CifarData actual, CifarData expected) {
        assertThat(actual.train().labels()).isEqualTo(expected.train().labels());
        assertThat(actual.train().pixels()).isEqualTo(expected.train().pixels());
        assertThat(actual.test().labels()).isEqualTo(expected.test().labels());
        assertThat(actual.test().pixels()).isEqualTo(expected.test().pixels());
    }

    private Path writeDir() throws IOException {
        return SyntheticCifar.writeDirectory(tmp.resolve("root"), SEED, PER_BATCH, TEST);
    }

    @Test
    void readsADirectoryHoldingTheFolderAndTheFolderItself() throws IOException {
        Path folder = writeDir();
        assertThat(folder.getFileName().toString()).isEqualTo(CifarReader.FOLDER);
        assertSame(CifarReader.read(folder.getParent()), EXPECTED);
        assertSame(CifarReader.read(folder), EXPECTED);
        assertThat(CifarReader.read(folder).train().size()).isEqualTo(5 * PER_BATCH);
    }

    @Test
    void readsATarGzWithoutExtracting() throws IOException {
        Path archive = SyntheticCifar.writeTarGz(tmp.resolve("data.bin.tgz"), SEED, PER_BATCH, TEST);
        assertSame(CifarReader.read(archive), EXPECTED); // recognised by content, not by name
        try (var in = Files.newInputStream(archive)) {
            assertSame(CifarReader.readTarGz(in, "stream", CifarReader.ALL, CifarReader.ALL), EXPECTED);
        }
        assertThat(Files.list(tmp).count()).isEqualTo(1); // nothing extracted next to it
    }

    @Test
    void tarEntriesInAnyOrderAndWithDotPrefixAreConcatenatedInBatchOrder() throws IOException {
        List<String> names = new ArrayList<>(CifarReader.TRAIN_FILES);
        names.add(CifarReader.TEST_FILE);
        byte[][] contents = new byte[names.size()][];
        for (int b = 0; b < 5; b++) {
            contents[b] = CifarWriter.records(EXPECTED.train(), b * PER_BATCH, (b + 1) * PER_BATCH);
        }
        contents[5] = CifarWriter.records(EXPECTED.test(), 0, TEST);
        int[] order = {5, 3, 0, 4, 2, 1};
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(buf))) {
            for (int i : order) {
                TarArchiveEntry e = new TarArchiveEntry("./cifar-10-batches-bin/" + names.get(i));
                e.setSize(contents[i].length);
                tar.putArchiveEntry(e);
                tar.write(contents[i]);
                tar.closeArchiveEntry();
            }
        }
        CifarData read = CifarReader.readTarGz(new ByteArrayInputStream(buf.toByteArray()), "shuffled.tar.gz",
                CifarReader.ALL, CifarReader.ALL);
        assertSame(read, EXPECTED);
    }

    @Test
    void capsKeepTheFirstRecordsInBatchOrder() throws IOException {
        Path folder = writeDir();
        CifarData capped = CifarReader.read(folder, 7, 2); // 7 spans data_batch_1 and data_batch_2
        assertSame(capped, new CifarData(EXPECTED.train().head(7), EXPECTED.test().head(2)));
        Path archive = SyntheticCifar.writeTarGz(tmp.resolve("c.tar.gz"), SEED, PER_BATCH, TEST);
        assertSame(CifarReader.read(archive, 7, 2), capped);
        assertThat(CifarReader.read(archive, 0, 0).train().size()).isZero();
        assertSame(CifarReader.read(archive, 1000, 1000), EXPECTED);
    }

    @Test
    void acceptsAnyWholeNumberOfRecordsPerBatch() throws IOException {
        CifarData odd = new CifarData(SyntheticCifar.generate(2, 5, 3).train().head(23), SyntheticCifar.generate(2, 0, 3).test());
        Path folder = CifarWriter.writeDirectory(odd, tmp);
        assertThat(Files.size(folder.resolve("data_batch_1.bin"))).isEqualTo(5L * CifarReader.RECORD_BYTES);
        assertThat(Files.size(folder.resolve("data_batch_5.bin"))).isEqualTo(4L * CifarReader.RECORD_BYTES);
        assertSame(CifarReader.read(folder), odd);
    }

    @Test
    void truncatedFileIsReportedWithNameLengthAndRecordLength() throws IOException {
        Path folder = writeDir();
        Path bad = folder.resolve("data_batch_2.bin");
        byte[] bytes = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(bytes, bytes.length - 100));
        long length = bytes.length - 100;
        assertThatThrownBy(() -> CifarReader.read(folder))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("length " + length)
                .hasMessageContaining("record length 3073");
    }

    @Test
    void truncatedEntryInsideAnArchiveIsReportedWithTheEntryName() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(buf))) {
            List<String> names = new ArrayList<>(CifarReader.TRAIN_FILES);
            names.add(CifarReader.TEST_FILE);
            for (String name : names) {
                byte[] content = new byte[name.equals("test_batch.bin") ? 3073 + 1 : 3073];
                TarArchiveEntry e = new TarArchiveEntry("cifar-10-batches-bin/" + name);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> CifarReader.readTarGz(new ByteArrayInputStream(buf.toByteArray()), "x.tar.gz",
                CifarReader.ALL, CifarReader.ALL))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining("x.tar.gz!cifar-10-batches-bin/test_batch.bin")
                .hasMessageContaining("length 3074")
                .hasMessageContaining("3073");
    }

    @Test
    void truncatedArchiveIsReported() throws IOException {
        Path archive = SyntheticCifar.writeTarGz(tmp.resolve("full.tar.gz"), SEED, PER_BATCH, TEST);
        byte[] bytes = Files.readAllBytes(archive);
        Path cut = tmp.resolve("cut.tar.gz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> CifarReader.read(cut))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining(cut.toString());
    }

    @Test
    void labelOutsideRangeIsReportedWithFileRecordAndValue() throws IOException {
        Path folder = writeDir();
        Path bad = folder.resolve("test_batch.bin");
        byte[] bytes = Files.readAllBytes(bad);
        bytes[2 * CifarReader.RECORD_BYTES] = (byte) 200;
        Files.write(bad, bytes);
        assertThatThrownBy(() -> CifarReader.read(folder))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("record 2")
                .hasMessageContaining("label 200");
        bytes[2 * CifarReader.RECORD_BYTES] = 10;
        Files.write(bad, bytes);
        assertThatThrownBy(() -> CifarReader.read(folder)).hasMessageContaining("label 10");
    }

    @Test
    void missingBatchIsNamed() throws IOException {
        Path folder = writeDir();
        Files.delete(folder.resolve("data_batch_3.bin"));
        assertThatThrownBy(() -> CifarReader.read(folder.getParent()))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining("missing data_batch_3.bin")
                .hasMessageNotContaining("data_batch_1.bin")
                .hasMessageNotContaining("test_batch.bin");
    }

    @Test
    void missingBatchInArchiveIsNamed() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(buf))) {
            for (String name : CifarReader.TRAIN_FILES) {
                TarArchiveEntry e = new TarArchiveEntry("cifar-10-batches-bin/" + name);
                e.setSize(0);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> CifarReader.readTarGz(new ByteArrayInputStream(buf.toByteArray()), "y.tar.gz", 1, 1))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining("y.tar.gz is missing test_batch.bin");
    }

    @Test
    void pathThatDoesNotExistOrIsNoArchive() throws IOException {
        Path nowhere = tmp.resolve("nowhere");
        assertThatThrownBy(() -> CifarReader.read(nowhere))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(nowhere.toString())
                .hasMessageContaining("does not exist");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> CifarReader.read(text))
                .isInstanceOf(CifarFormatException.class)
                .hasMessageContaining("neither a directory nor a gzip");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> CifarReader.read(tmp.resolve("empty")))
                .hasMessageContaining("data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, "
                        + "data_batch_5.bin, test_batch.bin");
    }
}
