package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.round.ExperimentConfig;
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
 * A run far beyond the limits, sent straight to fmkt.runs, is refused by every service too; all stay
 * healthy, and the next run still gives the golden numbers.
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
            Path out = RunCommand.execute(c, "e2e-portable", d, new PrintStream(console, true));
            assertThat(Files.readString(out.resolve("rounds.csv"))).as(console.toString())
                    .isEqualTo(Files.readString(GOLDEN.resolve("rounds.csv")));

            try (RunClient client = new RunClient(local.kafkaBootstrap())) {
                client.publish(RunStarted.of("e2e-native", c.toBuilder().numerics("native").build(), Instant.now()));
                assertThat(awaitDeadLetters(client, "e2e-native", 3)).hasSize(3).allSatisfy(dl -> {
                    assertThat(dl.reason()).isEqualTo("NUMERICS_MISMATCH");
                    assertThat(dl.originalTopic()).isEqualTo(Topics.RUNS);
                    assertThat(dl.detail()).contains("asks for native numerics; this service computes portable");
                });
            }
            // a well-formed run far beyond the limits: refused by every service before it allocates anything
            try (RunClient client = new RunClient(local.kafkaBootstrap())) {
                client.publish(RunStarted.of("e2e-huge", ExperimentConfig.builder().clients(100_000_000).width(100_000)
                        .numerics("portable").build(), Instant.now()));
                assertThat(awaitDeadLetters(client, "e2e-huge", 3)).hasSize(3).allSatisfy(dl -> {
                    assertThat(dl.reason()).isEqualTo("LIMIT_EXCEEDED");
                    assertThat(dl.detail()).contains("config.clients = 100000000 exceeds the limit 1024");
                });
            }
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                long t = System.nanoTime();
                assertThat(local.ready(s)).as(s + " ready after the huge run").isTrue();
                assertThat((System.nanoTime() - t) / 1e9).as(s + " answers within 2 s").isLessThan(2.0);
            }
            // ... and the next run is unharmed: the golden numbers again
            Path next = RunCommand.execute(c, "e2e-portable-2", d, new PrintStream(console, true));
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
