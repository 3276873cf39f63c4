package io.fmkt.service.eval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The wiring through a real broker: a malformed model announcement, and a well-formed message of a
 * type that does not belong on fmkt.fused, both come back as counted dead letters.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class EvalDeadLetterTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

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
