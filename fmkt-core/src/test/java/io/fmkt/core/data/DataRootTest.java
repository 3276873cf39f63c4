package io.fmkt.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.train.ExperimentData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's data by name and digest: only plain names under the root, only with the matching bytes. */
class DataRootTest {

    @Test
    void anArchiveIsFoundByNameAndItsDigestIsItsSha256sum(@TempDir Path root) throws Exception {
        Path archive = SyntheticCifar.writeTarGz(root.resolve("cifar-like.tar.gz"), 7, 20, 30);
        String sha = sha256(Files.readAllBytes(archive));
        DataRoot r = new DataRoot(root);

        assertThat(r.resolve("cifar-like.tar.gz", sha)).isEqualTo(archive);
        assertThat(DataRoot.describe(archive)).isEqualTo(new DataRoot.Dataset("cifar-like.tar.gz", sha));
    }

    @Test
    void pathsAndParentReferencesAreRefusedBeforeAnythingIsRead(@TempDir Path root) {
        DataRoot r = new DataRoot(root);
        String any = "0".repeat(64);
        for (String bad : new String[] {"/etc/passwd", "../etc/passwd", "a/../../b", "sub/file", "..", ".hidden",
                "", "a\\b", "x".repeat(200)}) {
            assertThatThrownBy(() -> r.resolve(bad, any)).as(bad).isInstanceOfSatisfying(DataRoot.RefusedException.class,
                    e -> {
                        assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.NOT_A_NAME);
                        assertThat(e.field()).isEqualTo("data.name");
                        assertThat(e.getMessage()).contains("no path");
                    });
        }
    }

    @Test
    void anUnknownNameAWrongDigestAndNoRootAreRefusedWithTheirReason(@TempDir Path root) throws Exception {
        Path archive = SyntheticCifar.writeTarGz(root.resolve("d.tar.gz"), 7, 20, 30);
        String sha = sha256(Files.readAllBytes(archive));
        DataRoot r = new DataRoot(root);

        assertThatThrownBy(() -> r.resolve("other.tar.gz", sha)).isInstanceOfSatisfying(DataRoot.RefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.UNKNOWN));
        String wrong = "f".repeat(64);
        assertThatThrownBy(() -> r.resolve("d.tar.gz", wrong)).isInstanceOfSatisfying(DataRoot.RefusedException.class,
                e -> {
                    assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.DIGEST_MISMATCH);
                    assertThat(e.field()).isEqualTo("data.sha256");
                    assertThat(e.getMessage()).contains("has sha256 " + sha).contains("asks for " + wrong);
                });
        assertThatThrownBy(() -> r.resolve("d.tar.gz", null)).isInstanceOfSatisfying(DataRoot.RefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.DIGEST_MISMATCH));
        assertThatThrownBy(() -> new DataRoot(null).resolve("d.tar.gz", sha))
                .isInstanceOfSatisfying(DataRoot.RefusedException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.UNKNOWN);
                    assertThat(e.getMessage()).contains("FMKT_DATA_DIR");
                });
    }

    @Test
    void aFileChangedUnderItsNameIsHashedAgainAndRefused(@TempDir Path root) throws Exception {
        Path archive = SyntheticCifar.writeTarGz(root.resolve("d.tar.gz"), 7, 20, 30);
        String sha = sha256(Files.readAllBytes(archive));
        DataRoot r = new DataRoot(root);
        r.resolve("d.tar.gz", sha);

        SyntheticCifar.writeTarGz(archive, 8, 20, 30); // other bytes, same size
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5000));
        assertThatThrownBy(() -> r.resolve("d.tar.gz", sha)).isInstanceOfSatisfying(DataRoot.RefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(DataRoot.Refusal.DIGEST_MISMATCH));
    }

    @Test
    void aFolderDigestIsTheDigestOfItsBatchFilesListing(@TempDir Path root) throws Exception {
        Path folder = SyntheticCifar.writeDirectory(root.resolve("extracted"), 7, 20, 30);
        StringBuilder listing = new StringBuilder();
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin"}) {
            listing.append(sha256(Files.readAllBytes(folder.resolve(f)))).append("  ").append(f).append('\n');
        }
        String expected = sha256(listing.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(new DataRoot(root).resolve("extracted", expected)).isEqualTo(root.resolve("extracted"));
        assertThat(DataRoot.describe(root.resolve("extracted")).sha256()).isEqualTo(expected);
    }

    @Test
    void aLocalPathWithSpacesBecomesAValidName(@TempDir Path root) throws Exception {
        Path archive = SyntheticCifar.writeTarGz(root.resolve("my cifar (copy).tar.gz"), 7, 20, 30);
        assertThat(DataRoot.describe(archive).name()).isEqualTo("my_cifar__copy_.tar.gz");
    }

    @Test
    void theInProcessLoaderChecksADigestWhenTheConfigHasOne(@TempDir Path root) throws Exception {
        Path archive = SyntheticCifar.writeTarGz(root.resolve("d.tar.gz"), 7, 20, 30);
        ExperimentConfig c = ExperimentConfig.builder().data(archive.toString()).dataSha256("a".repeat(64)).build();
        assertThatThrownBy(() -> ExperimentData.load(c)).hasMessageContaining("the config asks for " + "a".repeat(64));
        ExperimentConfig byName = c.withDataset("d.tar.gz", sha256(Files.readAllBytes(archive)));
        assertThat(ExperimentData.load(byName, new DataRoot(root)).test().size()).isEqualTo(30);
    }

    @Test
    void aConfigRefusesAMalformedDigestOrADigestForSyntheticData() {
        assertThatThrownBy(() -> ExperimentConfig.builder().data("d.tar.gz").dataSha256("xyz").build())
                .hasMessageContaining("dataSha256 must be 64 lowercase hex digits");
        assertThatThrownBy(() -> ExperimentConfig.builder().dataSha256("a".repeat(64)).build())
                .hasMessageContaining("only given with a dataset");
    }

    @Test
    void theDigestTravelsInRunStartedAndAnOlderRunWithoutItStillReads() throws Exception {
        io.fmkt.core.wire.WireCodec codec = new io.fmkt.core.wire.WireCodec();
        ExperimentConfig named = ExperimentConfig.builder().data("d.tar.gz").dataSha256("b".repeat(64)).build();
        io.fmkt.core.wire.RunStarted run = io.fmkt.core.wire.RunStarted.of("run-d", named, java.time.Instant.EPOCH);
        assertThat(codec.decode(codec.encode(run), io.fmkt.core.wire.RunStarted.class).config().data().sha256())
                .isEqualTo("b".repeat(64));

        io.fmkt.core.wire.RunStarted synthetic = io.fmkt.core.wire.RunStarted.of("run-s", ExperimentConfig.defaults(),
                java.time.Instant.EPOCH);
        String json = new String(codec.encode(synthetic), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("sha256"); // a synthetic run names no digest
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), io.fmkt.core.wire.RunStarted.class).config()
                .data().sha256()).isNull();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
