package io.fmkt.service.eval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The wiring through a real broker: a malformed model announcement, and a well-formed message of a
 * type that does not belong on fmkt.fused, both come back as counted dead letters; so does a model
 * announcement whose object fails verification when its round is scored (after it was acknowledged).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class EvalDeadLetterTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @jakarta.inject.Inject
    io.fmkt.core.store.ObjectStore store;

    @Test
    void aModelWhoseObjectFailsVerificationIsDeadLetteredWhenItsRoundIsScored() throws Exception {
        io.fmkt.core.config.ExperimentConfig c = io.fmkt.core.config.ExperimentConfig.builder().rounds(1).testCap(50)
                .width(2).seed(5).batchSize(32).probeImages(8).syntheticTrainPerBatch(40).syntheticTest(50).build();
        String run = "eval-bad-" + UUID.randomUUID().toString().substring(0, 8);
        io.fmkt.core.train.ExperimentData data = io.fmkt.core.train.ExperimentData.load(c);
        io.fmkt.core.protocol.ModelStore models = new io.fmkt.core.protocol.ModelStore(store);
        int bad = 2;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            for (int client = 0; client < c.data().clients(); client++) {
                try (io.fmkt.core.model.ResNetModel model = io.fmkt.core.model.ResNetModel.initialised(m, c.width(), 10,
                        io.fmkt.core.model.ResNetModel.initSeed(c.schedule().seed(), client))) {
                    io.fmkt.core.wire.BlobRef w = models.putWeights(run, model);
                    if (client == bad) { // the stored object is not the one the message vouches for
                        w = new io.fmkt.core.wire.BlobRef(w.key(), "0".repeat(64), w.size());
                    }
                    io.fmkt.core.wire.BlobRef f = models.putFeatures(run,
                            io.fmkt.core.codec.FeatureSnapshot.capture(model, data.probe()));
                    EvalFlowTest.send(bootstrap, io.fmkt.core.wire.ModelPublished.initial(run, client, w, f, c.width(), 10));
                }
            }
        }
        io.fmkt.core.schedule.PeerPair pair = io.fmkt.core.schedule.PeerSchedule.pairs(c.schedule().seed(), 1,
                c.data().clients(), c.schedule().pairs())
                .get(0);
        EvalFlowTest.send(bootstrap, io.fmkt.core.wire.PairSkipped.of(run, 1, pair, "deadline: test"));
        // The run's start comes last: the service takes the run up from the log, scores round 1 from
        // what is logged, and only then handles the records themselves (the path that found a bug).
        Thread.sleep(2000);
        EvalFlowTest.send(bootstrap, io.fmkt.core.wire.RunStarted.of(run, c, Instant.now()));

        String key = Topics.modelKey(run, bad);
        DeadLetter dl = KafkaProbe.awaitDeadLetter(bootstrap, key, Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("no dead letter for " + key));
        assertThat(dl.reason()).isEqualTo("UNVERIFIABLE_OBJECT");
        assertThat(dl.originalTopic()).isEqualTo(Topics.MODELS);
        assertThat(dl.detail()).contains("round 1 of run " + run + " cannot be scored").contains("sha256");
        for (int client = 0; client < c.data().clients(); client++) {
            if (client != bad) { // only the record that vouched for the bad object
                String other = Topics.modelKey(run, client);
                assertThat(KafkaProbe.awaitDeadLetter(bootstrap, other, Duration.ofSeconds(1))).as(other).isEmpty();
            }
        }
        given().get("/q/health").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void malformedAndMisroutedMessagesBecomeDeadLettersAndServiceStaysUp() {
        String malformedKey = "eval-test/" + UUID.randomUUID();
        KafkaProbe.send(bootstrap, Topics.MODELS, malformedKey, "{\"schema\":1}}".getBytes(StandardCharsets.UTF_8));
        // Valid JSON of a known type, on a topic where that type does not belong.
        String misroutedKey = "eval-test/" + UUID.randomUUID();
        byte[] wrongType = new WireCodec().encode(DeadLetter.of("elsewhere", 0, 0, null, new byte[0], "TEST", null,
                Instant.now()));
        KafkaProbe.send(bootstrap, Topics.FUSED, misroutedKey, wrongType);

        DeadLetter malformed = KafkaProbe.awaitDeadLetter(bootstrap, malformedKey, Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("no dead letter for key " + malformedKey));
        assertThat(malformed.reason()).isEqualTo("MALFORMED_JSON");
        assertThat(malformed.originalTopic()).isEqualTo(Topics.MODELS);

        DeadLetter misrouted = KafkaProbe.awaitDeadLetter(bootstrap, misroutedKey, Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("no dead letter for key " + misroutedKey));
        assertThat(misrouted.reason()).isEqualTo("UNKNOWN_TYPE");
        assertThat(misrouted.originalTopic()).isEqualTo(Topics.FUSED);

        given().get("/q/health").then().statusCode(200).body("status", is("UP"))
                .body(containsString("\"djl\""));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("fmkt_dead_letters_total{reason=\"MALFORMED_JSON\",topic=\"fmkt.models\"}"))
                .body(containsString("fmkt_dead_letters_total{reason=\"UNKNOWN_TYPE\",topic=\"fmkt.fused\"}"));
    }

    /** Starting a replay needs the operator's credentials; health and metrics stay open. */
    @Test
    void startingAReplayNeedsTheOperatorRole() {
        given().post("/replays?run=no-such-run").then().statusCode(401);
        given().auth().preemptive().basic("operator", "wrong").post("/replays?run=no-such-run").then().statusCode(401);
        given().auth().preemptive().basic("someone", "test-operator-secret").post("/replays?run=no-such-run").then()
                .statusCode(401);
        // authenticated: the request itself is looked at (an unknown run: 404 naming it)
        given().auth().preemptive().basic("operator", "test-operator-secret").post("/replays?run=no-such-run").then()
                .statusCode(404).body(containsString("no-such-run"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
