package io.fmkt.service.eval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.codec.FeatureSnapshot;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.results.ResultTables;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.train.Evaluator;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.PairSkipped;
import io.fmkt.core.wire.RoundEvaluated;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.WireMessage;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A round's log through a real broker and S3: once the round's outcome is in, the service scores
 * every client's current model, publishes RoundEvaluated and serves it over REST (JSON and CSV).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class EvalFlowTest {
    static final WireCodec CODEC = new WireCodec();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectStore store;

    private void send(WireMessage m) {
        send(bootstrap, m);
    }

    /** A message as its producer would send it: topic, key and JSON of the wire format. */
    static void send(String bootstrap, WireMessage m) {
        KafkaProbe.send(bootstrap, Topics.topicOf(m), Topics.keyOf(m), CODEC.encode(m));
    }

    @Test
    void aCompleteRoundIsScoredPublishedAndServed() throws Exception {
        ExperimentConfig c = ExperimentConfig.builder().rounds(1).testCap(100).width(2).seed(3).batchSize(32).layers("3")
                .probeImages(8).syntheticTrainPerBatch(40).syntheticTest(100).build();
        String run = "eval-" + UUID.randomUUID().toString().substring(0, 8);
        send(RunStarted.of(run, c, Instant.now()));
        ExperimentData data = ExperimentData.load(c);
        ModelStore models = new ModelStore(store);
        double[] expected = new double[c.data().clients()];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int client = 0; client < c.data().clients(); client++) {
                try (ResNetModel model = ResNetModel.initialised(m, c.width(), 10,
                        ResNetModel.initSeed(c.schedule().seed(), client))) {
                    BlobRef w = models.putWeights(run, model);
                    BlobRef f = models.putFeatures(run, FeatureSnapshot.capture(model, data.probe()));
                    send(ModelPublished.initial(run, client, w, f, c.width(), 10));
                    expected[client] = Evaluator.evaluate(model, data.test(), Evaluator.DEFAULT_BATCH).percent();
                }
            }
        }
        // the round's only pair was skipped: every client keeps its initial model
        PeerPair pair = PeerSchedule.pairs(c.schedule().seed(), 1, c.data().clients(), c.schedule().pairs()).get(0);
        send(PairSkipped.of(run, 1, pair, "deadline: test"));

        List<byte[]> out = KafkaProbe.read(bootstrap, Topics.ROUNDS, Topics.roundKey(run), Duration.ofSeconds(60), 1);
        assertThat(out).hasSize(1);
        RoundEvaluated e = CODEC.decode(out.get(0), RoundEvaluated.class);
        assertThat(e.round()).isEqualTo(1);
        assertThat(e.perClient()).containsExactly(expected);
        assertThat(e.cka()).hasSize(4);
        assertThat(e.testImages()).isEqualTo(100);

        given().get("/runs").then().statusCode(200).body(containsString(run));
        given().get("/runs/" + run + "/rounds").then().statusCode(200).body(containsString("\"round\":1"));
        String csv = given().get("/runs/" + run + "/rounds.csv").then().statusCode(200).extract().asString();
        assertThat(csv).startsWith(ResultTables.ROUNDS_HEADER).contains(String.format(java.util.Locale.ROOT, "1,%.4f",
                e.accMean()));
        given().get("/runs/no-such-run/rounds").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200).body(containsString("fmkt_round_accuracy{run=\"" + run));

        // the run page's view: the same rounds, the pair's outcome with its reason, the run's dead letters
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        KafkaProbe.send(bootstrap, Topics.MODELS, Topics.modelKey(run, 0), "{\"schema\":1}}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        com.fasterxml.jackson.databind.JsonNode view = awaitView(json, run, v -> v.at("/deadLetters/count").asInt() > 0);
        assertThat(view.get("rounds")).isEqualTo(json.readTree(given().get("/runs/" + run + "/rounds").then()
                .statusCode(200).extract().asString()));
        assertThat(view.at("/run/state").asText()).isEqualTo("finished");
        assertThat(view.at("/run/roundsPlanned").asInt()).isEqualTo(1);
        assertThat(view.get("pairs")).hasSize(1);
        assertThat(view.at("/pairs/0/status").asText()).isEqualTo("skipped");
        assertThat(view.at("/pairs/0/reason").asText()).isEqualTo("deadline: test");
        assertThat(view.at("/throughput/pairs").asInt()).as("a skipped pair did no fusion").isZero();
        assertThat(view.at("/deadLetters/count").asInt()).isEqualTo(1);
        assertThat(view.at("/deadLetters/reasons/MALFORMED_JSON").asInt()).isEqualTo(1);
        assertThat(view.at("/deadLetters/recent/0/topic").asText()).isEqualTo(Topics.MODELS);
        // hostile ids never reach a lookup
        given().get("/runs/..%2F..%2Fetc/view").then().statusCode(400);
        given().get("/runs/%3Cscript%3E/view").then().statusCode(400);
        given().get("/runs/no-such-run/view").then().statusCode(404);
    }

    /** A run another service refused (its record on fmkt.runs dead-lettered) shows as failed. */
    @Test
    void aRunAServiceRefusedIsFailed() throws Exception {
        ExperimentConfig c = ExperimentConfig.builder().rounds(2).testCap(100).width(2).seed(4).build();
        String run = "eval-refused-" + UUID.randomUUID().toString().substring(0, 8);
        RunStarted started = RunStarted.of(run, c, Instant.now());
        send(started);
        // what a client-service whose limits are lower writes (Inbox -> DeadLetters)
        send(io.fmkt.core.wire.DeadLetter.of(Topics.RUNS, 0, 0, Topics.keyOf(started), CODEC.encode(started),
                "LIMIT_EXCEEDED", "config.data.clients = 4 exceeds the limit 2", Instant.now()));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode view = awaitView(json, run,
                v -> v.at("/run/state").asText().equals("failed"));
        assertThat(view.at("/run/failure").asText()).contains("refused");
        assertThat(view.at("/deadLetters/reasons/LIMIT_EXCEEDED").asInt()).isEqualTo(1);
        String list = given().get("/runs").then().statusCode(200).extract().asString();
        assertThat(json.readTree(list).findValuesAsText("runId")).contains(run);
    }

    private static com.fasterxml.jackson.databind.JsonNode awaitView(com.fasterxml.jackson.databind.ObjectMapper json,
            String run, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var r = given().get("/runs/" + run + "/view");
            if (r.statusCode() == 200) {
                com.fasterxml.jackson.databind.JsonNode v = json.readTree(r.asString());
                if (ready.test(v) || System.nanoTime() > deadline) {
                    return v;
                }
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("no view of " + run + ": " + r.statusCode());
            }
            Thread.sleep(300);
        }
    }
}
