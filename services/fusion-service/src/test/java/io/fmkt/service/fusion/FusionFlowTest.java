package io.fmkt.service.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.fmkt.core.model.ResNetModel;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.BlobRef;
import io.fmkt.core.wire.DeadLetter;
import io.fmkt.core.wire.FusionCompleted;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
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
 * A fusion request through a real broker and S3: one announcement with a stored, verifiable model;
 * a redelivery has no second effect; an unverifiable input is a dead letter with the reason.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class FusionFlowTest {
    static final WireCodec CODEC = new WireCodec();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectStore store;

    static ExperimentConfig config() {
        return ExperimentConfig.builder().rounds(2).testCap(100).width(2).seed(9).batchSize(32).layers("3").probeImages(8)
                .syntheticTrainPerBatch(40).syntheticTest(100).build();
    }

    private BlobRef model(String run, int width, long seed) {
        try (NDManager m = NDManager.newBaseManager(); ResNetModel model = ResNetModel.initialised(m, width, 10, seed)) {
            return new ModelStore(store).putWeights(run, model);
        }
    }

    private FusionRequested request(String run, BlobRef received, BlobRef own) {
        var pair = PeerSchedule.pairs(config().schedule().seed(), 1, 4, 1).get(0);
        return new FusionRequested(run, 1, pair.updater(), pair.receiver(), received, own);
    }

    private void send(FusionRequested r) {
        KafkaProbe.send(bootstrap, Topics.PAIRS, Topics.keyOf(r), CODEC.encode(r));
    }

    @Test
    void aPairIsFusedOnceEvenWhenRedelivered() {
        String run = "fusion-" + UUID.randomUUID().toString().substring(0, 8);
        RunStarted started = RunStarted.of(run, config(), Instant.now());
        KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started), CODEC.encode(started));
        FusionRequested req = request(run, model(run, 2, 1), model(run, 2, 2));
        send(req);
        send(req);
        List<byte[]> out = KafkaProbe.read(bootstrap, Topics.FUSED, Topics.fusedKey(run, req.receiver()),
                Duration.ofSeconds(60), 1);
        assertThat(out).hasSize(1);
        FusionCompleted done = CODEC.decode(out.get(0), FusionCompleted.class);
        assertThat(done.ok()).isTrue();
        assertThat(done.pair()).isEqualTo(req.pair());
        assertThat(store.get(done.fused().toObjectRef())).hasSize((int) done.fused().size());
        // named by its worker, and counted by run and worker: the run page's throughput is these figures
        assertThat(done.worker()).isEqualTo("fusion-test-worker");
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        String tags = "run=\"" + run + "\",worker=\"fusion-test-worker\""; // Prometheus sorts labels by name
        assertThat(metrics).contains("fmkt_fusion_pairs_total{layers=\"3\",outcome=\"fused\"," + tags + "} 1.0")
                .contains("fmkt_fusion_samples_total{layers=\"3\"," + tags + "} " + (double) done.images())
                .contains("fmkt_fusion_seconds_total{layers=\"3\"," + tags + "} ");
        // the redelivery: give it time to (wrongly) produce a second announcement
        assertThat(KafkaProbe.read(bootstrap, Topics.FUSED, Topics.fusedKey(run, req.receiver()),
                Duration.ofSeconds(8), 2)).hasSize(1);
    }

    @Test
    void aDigestMismatchOrAnotherArchitectureIsADeadLetter() {
        String run = "fusion-" + UUID.randomUUID().toString().substring(0, 8);
        RunStarted started = RunStarted.of(run, config(), Instant.now());
        KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started), CODEC.encode(started));
        BlobRef good = model(run, 2, 1);
        BlobRef lying = new BlobRef(good.key(), "0".repeat(64), good.size());
        send(request(run, good, lying));
        DeadLetter dl = KafkaProbe.awaitDeadLetter(bootstrap, Topics.pairKey(run, request(run, good, good).receiver()),
                Duration.ofSeconds(60)).orElseThrow();
        assertThat(dl.reason()).isEqualTo("UNVERIFIABLE_OBJECT");
        assertThat(dl.detail()).contains("sha256").contains(good.key());

        String run2 = run + "-w";
        RunStarted started2 = RunStarted.of(run2, config(), Instant.now());
        KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started2), CODEC.encode(started2));
        send(request(run2, model(run2, 4, 1), model(run2, 2, 2)));
        DeadLetter dl2 = KafkaProbe.awaitDeadLetter(bootstrap, Topics.pairKey(run2, request(run2, good, good).receiver()),
                Duration.ofSeconds(60)).orElseThrow();
        assertThat(dl2.reason()).isEqualTo("UNVERIFIABLE_OBJECT");
        assertThat(dl2.detail()).contains("architecture mismatch");
    }
}
