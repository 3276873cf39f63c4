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
            assertThat(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(30), 1))
                    .as("initial model of client %d", client).isNotEmpty();
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
}
