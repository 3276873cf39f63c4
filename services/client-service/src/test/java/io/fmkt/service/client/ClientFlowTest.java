package io.fmkt.service.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
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
 * A RunStarted through a real broker: every hosted client publishes its initial model (stored and
 * verifiable in S3), round 1's updater trains and publishes, and its receiver asks for the fusion of
 * exactly those two models.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class ClientFlowTest {
    static final WireCodec CODEC = new WireCodec();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectStore store;

    @Test
    void aRunStartsWithInitialModelsThenTheFirstUpdateAndFusionRequest() {
        ExperimentConfig c = ExperimentConfig.builder().rounds(2).testCap(100).width(2).seed(5).batchSize(32).layers("3")
                .probeImages(8).syntheticTrainPerBatch(40).syntheticTest(100).build();
        String run = "client-" + UUID.randomUUID().toString().substring(0, 8);
        RunStarted started = RunStarted.of(run, c, Instant.now());
        KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started), CODEC.encode(started));

        PeerPair pair = PeerSchedule.pairs(c.schedule().seed(), 1, c.data().clients(), c.schedule().pairs()).get(0);
        List<byte[]> updater = KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, pair.updater()),
                Duration.ofSeconds(60), 2);
        assertThat(updater).hasSize(2);
        ModelPublished initial = CODEC.decode(updater.get(0), ModelPublished.class);
        ModelPublished trained = CODEC.decode(updater.get(1), ModelPublished.class);
        assertThat(initial.role()).isEqualTo(ModelPublished.Role.INITIAL);
        assertThat(trained.role()).isEqualTo(ModelPublished.Role.UPDATER);
        assertThat(trained.round()).isEqualTo(1);
        assertThat(trained.trainImages()).isPositive();
        assertThat(store.get(trained.weights().toObjectRef())).hasSize((int) trained.weights().size());

        for (int client = 0; client < c.data().clients(); client++) {
            List<byte[]> models = KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(30), 1);
            assertThat(models).as("initial model of client %d", client).isNotEmpty();
            assertStored(CODEC.decode(models.get(0), ModelPublished.class)); // uploaded behind, announced after
        }
        List<byte[]> requests = KafkaProbe.read(bootstrap, Topics.PAIRS, Topics.pairKey(run, pair.receiver()),
                Duration.ofSeconds(30), 1);
        assertThat(requests).hasSize(1);
        FusionRequested req = CODEC.decode(requests.get(0), FusionRequested.class);
        ModelPublished receiverInitial = CODEC.decode(KafkaProbe.read(bootstrap, Topics.MODELS,
                Topics.modelKey(run, pair.receiver()), Duration.ofSeconds(30), 1).get(0), ModelPublished.class);
        assertThat(req.pair()).isEqualTo(pair);
        assertThat(req.received()).isEqualTo(trained.weights());
        assertThat(req.own()).isEqualTo(receiverInitial.weights());
    }

    /**
     * Models are uploaded behind the agent: when an upload fails, the message naming it never goes
     * out, and the run is taken up again from the log, so every client still publishes its initial
     * model, each named object is in S3, and round 1 goes on.
     */
    @Test
    void aFailedUploadIsNeitherAnnouncedNorLostTheRunIsTakenUpAgain() {
        ExperimentConfig c = ExperimentConfig.builder().rounds(2).testCap(100).width(2).seed(6).batchSize(32).layers("3")
                .probeImages(8).syntheticTrainPerBatch(40).syntheticTest(100).build();
        String run = FlakyStore.PREFIX + UUID.randomUUID().toString().substring(0, 8);
        int failedBefore = FlakyStore.FAILED.get();
        RunStarted started = RunStarted.of(run, c, Instant.now());
        KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started), CODEC.encode(started));

        for (int client = 0; client < c.data().clients(); client++) {
            List<byte[]> models = KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(60), 1);
            assertThat(models).as("initial model of client %d", client).isNotEmpty();
            assertStored(CODEC.decode(models.get(0), ModelPublished.class));
        }
        assertThat(FlakyStore.FAILED.get()).as("the injected failure happened in this run").isEqualTo(failedBefore + 1);
        PeerPair pair = PeerSchedule.pairs(c.schedule().seed(), 1, c.data().clients(), c.schedule().pairs()).get(0);
        List<byte[]> requests = KafkaProbe.read(bootstrap, Topics.PAIRS, Topics.pairKey(run, pair.receiver()),
                Duration.ofSeconds(60), 1);
        assertThat(requests).hasSize(1);
        FusionRequested req = CODEC.decode(requests.get(0), FusionRequested.class);
        assertThat(store.get(req.received().toObjectRef())).hasSize((int) req.received().size());
        assertThat(store.get(req.own().toObjectRef())).hasSize((int) req.own().size());
    }

    private void assertStored(ModelPublished m) {
        assertThat(store.get(m.weights().toObjectRef())).hasSize((int) m.weights().size());
        assertThat(store.get(m.features().toObjectRef())).hasSize((int) m.features().size());
    }
}
