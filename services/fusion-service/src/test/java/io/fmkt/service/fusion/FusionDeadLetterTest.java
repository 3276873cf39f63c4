package io.fmkt.service.fusion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.Topics;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The wiring through a real broker: a malformed pair comes back as a counted dead letter. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class FusionDeadLetterTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void malformedPairBecomesDeadLetterAndServiceStaysUp() {
        String key = "test-run/" + UUID.randomUUID(); // the correlation id
        KafkaProbe.send(bootstrap, Topics.PAIRS, key, "{\"schema\":1,\"type\":".getBytes(StandardCharsets.UTF_8));

        DeadLetter dl = KafkaProbe.awaitDeadLetter(bootstrap, key, Duration.ofSeconds(30)).orElseThrow(
                () -> new AssertionError("no dead letter for key " + key + " on " + Topics.DLQ));
        assertThat(dl.reason()).isEqualTo("MALFORMED_JSON");
        assertThat(dl.originalTopic()).isEqualTo(Topics.PAIRS);
        assertThat(dl.runId()).isEqualTo("test-run");

        given().get("/q/health").then().statusCode(200).body("status", is("UP"))
                .body(containsString("\"djl\""));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("fmkt_dead_letters_total{reason=\"MALFORMED_JSON\",topic=\"fmkt.pairs\"}"));
    }
}
