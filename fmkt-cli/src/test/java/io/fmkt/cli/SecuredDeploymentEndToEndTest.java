package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.simulator.Simulator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.kafka.KafkaAccess;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --secure-kafka}: the local stack's broker takes SASL/SCRAM clients only, with ACLs, and the
 * services and the CLI authenticate as their principals. From outside, with real clients: a producer
 * without credentials cannot start a run, the operator cannot forge a model announcement,
 * {@code POST /replays} without credentials is 401; every service stays healthy, the run equals the
 * simulator, and no log holds a password.
 */
class SecuredDeploymentEndToEndTest {

    @Test
    void aSecuredDeploymentRunsLikeTheSimulatorAndLetsNobodyElseIn(@TempDir Path tmp) throws Exception {
        LocalDeployment.Ports ports = EndToEndTest.freePorts();
        DeploymentOptions d = EndToEndTest.options(tmp, ports);
        d.secureKafka = true;
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(4).pairs(1).rounds(2).width(4)
                .seed(3).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path logs = tmp.resolve("logs");
        try (LocalDeployment local = LocalDeployment.startOrReuse(d.home(), d.preparedStateDir(), logs, ports,
                Numerics.NATIVE, m -> { })) {
            KafkaAccess operator = local.kafka();
            assertThat(operator.secured()).isTrue();

            // nobody without credentials: the broker never lets this producer in, so no run starts
            Map<String, Object> anonymous = new HashMap<>(Map.of("bootstrap.servers", local.kafkaBootstrap()));
            assertThatThrownBy(() -> send(anonymous, Topics.RUNS, "run-anon",
                    new WireCodec().encode(RunStarted.of("run-anon", c, Instant.now())))).isInstanceOf(Exception.class);
            // the operator starts runs but cannot forge what only services write
            assertThatThrownBy(() -> send(operator.clientConfig(), Topics.MODELS, "run-x/0", new byte[] {'{', '}'}))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            // eval-service's mutating endpoint wants the operator's credentials
            HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(local.serviceUrl(LocalDeployment.Service.EVAL) + "/replays?run=run-anon"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(replay.statusCode()).isEqualTo(401);
            for (LocalDeployment.Service s : LocalDeployment.Service.values()) {
                long t = System.nanoTime();
                assertThat(local.ready(s)).as(s + " ready").isTrue();
                assertThat((System.nanoTime() - t) / 1e9).as(s + " answers within 2 s").isLessThan(2.0);
            }

            Path out = RunCommand.execute(c, "e2e-secured", d, new PrintStream(console, true)).out();
            String expected = ResultTables.roundsCsv(Simulator.run(c, ExperimentData.load(c), r -> { }));
            assertThat(Files.readString(out.resolve("rounds.csv"))).as(console.toString()).isEqualTo(expected);
            try (RunClient client = new RunClient(operator)) {
                assertThat(client.readAll(List.of(Topics.RUNS)).stream().map(r -> r.key())).contains("e2e-secured")
                        .doesNotContain("run-anon");
            }
        }
        // no credential in any log or console output
        List<String> secrets = Files.readAllLines(d.stateDir().resolve("kafka-users.properties")).stream()
                .filter(l -> l.contains("=")).map(l -> l.substring(l.indexOf('=') + 1)).toList();
        assertThat(secrets).hasSize(3);
        try (Stream<Path> files = Stream.concat(Files.walk(logs), Files.walk(d.resultsDir()))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
                String text = Files.readString(f);
                for (String secret : secrets) {
                    assertThat(text).as(f.toString()).doesNotContain(secret);
                }
            }
        }
        for (String secret : secrets) {
            assertThat(console.toString()).doesNotContain(secret);
        }
    }

    private static void send(Map<String, Object> conf, String topic, String key, byte[] value) throws Exception {
        Map<String, Object> c = new HashMap<>(conf);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 8000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 7000);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, key, value)).get(20, TimeUnit.SECONDS);
        }
    }
}
