package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.round.ExperimentConfig;
import io.fmkt.core.round.PeerPair;
import io.fmkt.core.round.PeerSchedule;
import io.fmkt.core.sim.RunOutputs;
import io.fmkt.core.sim.Simulator;
import io.fmkt.core.store.S3ObjectStore;
import io.fmkt.core.store.S3StoreConfig;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end: a real Kafka + S3 (local stack process), the three packaged services as
 * processes, a 4-client, 3-round run submitted through the log. Its accuracies must equal the
 * in-process simulator's for the same seed, and the log and the store must hold every message and
 * object of every round.
 */
class EndToEndTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ExperimentConfig config() {
        ExperimentConfig d = ExperimentConfig.defaults();
        return new ExperimentConfig("synthetic", 4, 1, 3, "segment:8", 0, 200, 2, 7, 1, 1, 32, 0.05, 0.05, 0.9,
                5e-4, 5, true, "3", d.layerWeights(), "none", 3, 1, 1, "received", 0.1, 8, 40, 200);
    }

    @Test
    void distributedRunEqualsTheSimulatorAndLogsEveryMessageAndObject(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = new LocalDeployment.Ports(freePort(), freePort(), freePort(), freePort(),
                freePort());
        DeploymentOptions d = DeploymentOptions.of(tmp.resolve("results"), tmp.resolve("state"), ports,
                Duration.ofMinutes(8));
        ExperimentConfig c = config();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (LocalDeployment local = LocalDeployment.startOrReuse(d.home(), d.stateDir(), tmp.resolve("logs"), ports,
                m -> { })) {
            Path out = RunCommand.execute(c, "e2e-1", d, new PrintStream(console, true));

            String expected = RunOutputs.roundsCsv(Simulator.run(c, ExperimentData.load(c), r -> { }));
            assertThat(Files.readString(out.resolve("rounds.csv"))).as(console.toString()).isEqualTo(expected);
            assertThat(out.resolve("accuracy.png")).exists();
            assertThat(console.toString()).contains("round 3/3");

            List<WireMessage> log = new ArrayList<>();
            try (RunClient client = new RunClient(local.kafkaBootstrap())) {
                for (ConsumerRecord<String, byte[]> r : client.readAll(List.of(Topics.RUNS, Topics.MODELS,
                        Topics.PAIRS, Topics.FUSED, Topics.ROUNDS, Topics.DLQ))) {
                    WireMessage m = new WireCodec().decodeAny(r.value());
                    if (m.runId().equals("e2e-1")) {
                        assertThat(r.key()).isEqualTo(Topics.keyOf(m));
                        assertThat(r.topic()).isEqualTo(Topics.topicOf(m));
                        log.add(m);
                    }
                }
            }
            assertThat(log).filteredOn(RunStarted.class::isInstance).hasSize(1);
            List<BlobRef> objects = new ArrayList<>();
            for (int round = 0; round <= c.rounds(); round++) {
                final int r = round;
                List<ModelPublished> models = log.stream().filter(ModelPublished.class::isInstance)
                        .map(ModelPublished.class::cast).filter(m -> m.round() == r).distinct().toList();
                if (r == 0) {
                    assertThat(models).extracting(ModelPublished::client).containsExactlyInAnyOrder(0, 1, 2, 3);
                    models.forEach(m -> objects.add(m.weights()));
                    continue;
                }
                PeerPair pair = PeerSchedule.pairs(c.seed(), r, c.clients(), c.pairs()).get(0);
                assertThat(models).singleElement().satisfies(m -> {
                    assertThat(m.client()).isEqualTo(pair.updater());
                    objects.add(m.weights());
                    objects.add(m.features());
                });
                assertThat(log).filteredOn(m -> m instanceof FusionRequested q && q.round() == r).isNotEmpty()
                        .allSatisfy(m -> assertThat(((FusionRequested) m).pair()).isEqualTo(pair));
                assertThat(log).filteredOn(m -> m instanceof FusionCompleted f && f.round() == r).isNotEmpty()
                        .allSatisfy(m -> {
                            FusionCompleted f = (FusionCompleted) m;
                            assertThat(f.ok()).isTrue();
                            objects.add(f.fused());
                            objects.add(f.features());
                        });
                assertThat(log).filteredOn(m -> m instanceof RoundEvaluated e && e.round() == r).isNotEmpty()
                        .allSatisfy(m -> assertThat(((RoundEvaluated) m).cka()).hasSize(4));
            }
            // replays read only the log and the store: both must give back the logged accuracies
            for (String mode : List.of("reevaluate", "refuse")) {
                int code = Fmkt.commandLine().execute("replay", "--run", "e2e-1", "--mode", mode, "--replay-id",
                        "e2e-1-" + mode, "--results", d.resultsDir().toString(), "--state-dir", d.stateDir().toString(),
                        "--kafka-port", Integer.toString(ports.kafka()), "--s3-port", Integer.toString(ports.s3()));
                assertThat(code).isZero();
                List<String> rows = Files.readAllLines(d.resultsDir().resolve("e2e-1-" + mode).resolve("comparison.csv"));
                assertThat(rows).hasSize(1 + c.rounds());
                assertThat(rows.subList(1, rows.size()))
                        .allSatisfy(row -> assertThat(row.split(",")[3]).isEqualTo("0.0000"));
            }

            try (S3ObjectStore s3 = new S3ObjectStore(S3StoreConfig.of(local.s3Endpoint(), LocalDeployment.ACCESS_KEY,
                    LocalDeployment.SECRET_KEY, LocalDeployment.BUCKET))) {
                for (BlobRef ref : objects) {
                    assertThat(s3.get(ref.toObjectRef())).hasSize((int) ref.size());
                }
            }
        }
    }
}
