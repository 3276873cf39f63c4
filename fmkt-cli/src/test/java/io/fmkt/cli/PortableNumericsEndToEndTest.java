package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.data.SyntheticCifar;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portable numerics on the services: each service applies the mode before its engine starts, so a
 * portable run on them repeats the committed golden run (made by the simulator on another machine)
 * byte for byte, and a run they cannot compute as asked is refused with the reason by every service.
 * Hostile runs sent straight to fmkt.runs with a plain Kafka client (far beyond the limits; data by
 * path, outside the data root, unknown, or with a wrong digest) are refused by every service with
 * the reason; all stay healthy, and the next run, on the same data written as a CIFAR archive and
 * passed by name and digest, still gives the golden numbers.
 */
class PortableNumericsEndToEndTest {
    private static final Path GOLDEN = Path.of("..", "docs", "results", "golden", "synthetic");

    @Test
    void portableServicesRepeatTheGoldenRunAndRefuseNativeAndHugeRuns(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = EndToEndTest.freePorts();
        DeploymentOptions d = EndToEndTest.options(tmp, ports);
        // the golden synthetic run's options (docs/results/golden/README.md)
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(4).pairs(1).rounds(3).width(4)
                .seed(1).numerics("portable").build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (LocalDeployment local = LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs"), ports,
                Numerics.PORTABLE, m -> { })) {
            Path out = RunCommand.execute(c, "e2e-portable", d, new PrintStream(console, true)).out();
            assertThat(Files.readString(out.resolve("rounds.csv"))).as(console.toString())
                    .isEqualTo(Files.readString(GOLDEN.resolve("rounds.csv")));

            try (RunClient client = new RunClient(local.kafka())) {
                client.publish(RunStarted.of("e2e-native", c.toBuilder().numerics("native").build(), Instant.now()));
                assertThat(awaitDeadLetters(client, "e2e-native", 3)).hasSize(3).allSatisfy(dl -> {
                    assertThat(dl.reason()).isEqualTo("NUMERICS_MISMATCH");
                    assertThat(dl.originalTopic()).isEqualTo(Topics.RUNS);
                    assertThat(dl.detail()).contains("asks for native numerics; this service computes portable");
                });
            }
            // a well-formed run far beyond the limits: refused by every service before it allocates anything
            try (RunClient client = new RunClient(local.kafka())) {
                client.publish(RunStarted.of("e2e-huge", ExperimentConfig.builder().clients(100_000_000).width(100_000)
                        .numerics("portable").build(), Instant.now()));
                assertThat(awaitDeadLetters(client, "e2e-huge", 3)).hasSize(3).allSatisfy(dl -> {
                    assertThat(dl.reason()).isEqualTo("LIMIT_EXCEEDED");
                    assertThat(dl.detail()).contains("config.data.clients = 100000000 exceeds the limit 1024");
                });
            }
            // data is a name under each service's data root, with its digest: never a path from a message
            Path archive = SyntheticCifar.writeTarGz(tmp.resolve("golden-data.tar.gz"), 1, 400, 1000);
            ExperimentConfig named = LocalDeployment.offerData(c.toBuilder().data(archive.toString()).build(),
                    d.stateDir());
            assertThat(named.data().name()).isEqualTo("golden-data.tar.gz");
            String wrong = "0".repeat(64);
            refusedByEveryService(local, "e2e-passwd", c.toBuilder().data("/etc/passwd").dataSha256(wrong).build(),
                    "DATA_REFUSED", "got '/etc/passwd'");
            refusedByEveryService(local, "e2e-dotdot", c.toBuilder().data("../../../etc/passwd").dataSha256(wrong)
                    .build(), "DATA_REFUSED", "no path");
            refusedByEveryService(local, "e2e-unknown", c.toBuilder().data("nope.tar.gz").dataSha256(wrong).build(),
                    "DATA_UNKNOWN", "'nope.tar.gz' is not in this service's data root");
            refusedByEveryService(local, "e2e-digest", named.toBuilder().dataSha256(wrong).build(),
                    "DATA_DIGEST_MISMATCH", "has sha256 " + named.data().sha256() + ", the run asks for " + wrong);
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                long t = System.nanoTime();
                assertThat(local.ready(s)).as(s + " ready after the hostile runs").isTrue();
                assertThat((System.nanoTime() - t) / 1e9).as(s + " answers within 2 s").isLessThan(2.0);
            }
            // ... and the next run is unharmed: the golden numbers again, on the same data read from the archive
            Path next = RunCommand.execute(c.toBuilder().data(archive.toString()).build(), "e2e-portable-2", d,
                    new PrintStream(console, true)).out();
            assertThat(Files.readString(next.resolve("config.json"))).contains("\"name\" : \"golden-data.tar.gz\"")
                    .contains(named.data().sha256()).doesNotContain(tmp.toString());
            assertThat(Files.readString(next.resolve("rounds.csv"))).as(console.toString())
                    .isEqualTo(Files.readString(GOLDEN.resolve("rounds.csv")));

            // the same deployment cannot be reused for a native run: its processes are portable for life
            assertThatThrownBy(() -> LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs-2"), ports,
                    Numerics.NATIVE, m -> { })).isInstanceOf(IOException.class)
                    .hasMessageContaining("computes portable numerics, and this run asks for native");
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                assertThat(local.ready(s)).as(s + " still ready").isTrue();
            }
        }
    }

    /** {@code config} published as run {@code runId}: one dead letter per service, with the reason and words. */
    private static void refusedByEveryService(LocalDeployment local, String runId, ExperimentConfig config, String reason,
            String words) throws Exception {
        try (RunClient client = new RunClient(local.kafka())) {
            client.publish(RunStarted.of(runId, config, Instant.now()));
            assertThat(awaitDeadLetters(client, runId, 3)).as(runId).hasSize(3).allSatisfy(dl -> {
                assertThat(dl.reason()).isEqualTo(reason);
                assertThat(dl.detail()).contains(words);
            });
        }
    }

    /** The run's dead letters, once there are {@code n} (one per service) or after 30 s. */
    private static List<DeadLetter> awaitDeadLetters(RunClient client, String runId, int n) throws InterruptedException {
        WireCodec codec = new WireCodec();
        List<DeadLetter> found = List.of();
        for (int i = 0; i < 100 && found.size() < n; i++) {
            Thread.sleep(300);
            found = client.readAll(List.of(Topics.DLQ)).stream().map(ConsumerRecord::value).map(codec::decodeAny)
                    .filter(m -> m instanceof DeadLetter dl && runId.equals(dl.runId())).map(m -> (DeadLetter) m)
                    .toList();
        }
        return found;
    }
}
