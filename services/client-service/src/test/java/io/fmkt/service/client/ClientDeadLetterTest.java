package io.fmkt.service.client;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.core.wire.Topics;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The wiring through a real broker: a malformed RunStarted comes back as a counted dead letter. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class ClientDeadLetterTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void malformedRunBecomesDeadLetterAndServiceStaysUp() {
        String key = "client-test-" + UUID.randomUUID(); // a run key, and the correlation id
        KafkaProbe.send(bootstrap, Topics.RUNS, key, "not json at all".getBytes(StandardCharsets.UTF_8));

        DeadLetter dl = KafkaProbe.awaitDeadLetter(bootstrap, key, Duration.ofSeconds(30)).orElseThrow(
                () -> new AssertionError("no dead letter for key " + key + " on " + Topics.DLQ));
        assertThat(dl.reason()).isEqualTo("MALFORMED_JSON");
        assertThat(dl.originalTopic()).isEqualTo(Topics.RUNS);
        assertThat(dl.payload()).isEqualTo("not json at all");

        given().get("/q/health").then().statusCode(200).body("status", is("UP"))
                .body(containsString("\"djl\""));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("fmkt_dead_letters_total{reason=\"MALFORMED_JSON\",topic=\"fmkt.runs\"}"));
    }

    /**
     * A well-formed run far beyond the limits (once an out-of-memory and a crash loop) is refused
     * before anything is allocated for it, naming the field, and the service keeps answering.
     */
    @Test
    void aHugeRunIsRefusedBeforeAllocationAndTheServiceStaysHealthy() {
        String run = "client-huge-" + UUID.randomUUID().toString().substring(0, 8);
        ExperimentConfig huge = ExperimentConfig.builder().clients(100_000_000).width(100_000).build();
        KafkaProbe.send(bootstrap, Topics.RUNS, run,
                new WireCodec().encode(RunStarted.of(run, huge, java.time.Instant.now())));

        DeadLetter dl = KafkaProbe.awaitDeadLetter(bootstrap, run, Duration.ofSeconds(30)).orElseThrow(
                () -> new AssertionError("no dead letter for run " + run));
        assertThat(dl.reason()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(dl.detail()).contains("config.data.clients = 100000000 exceeds the limit 1024")
                .contains("fmkt.limits.clients").contains("config.width = 100000");
        long t = System.nanoTime();
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        assertThat((System.nanoTime() - t) / 1e9).isLessThan(2.0);
    }
}
