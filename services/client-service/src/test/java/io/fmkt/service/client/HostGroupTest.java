package io.fmkt.service.client;

import io.fmkt.core.wire.ModelPublished;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.Topics;
import io.fmkt.core.wire.WireCodec;
import io.fmkt.service.common.Metrics;
import io.fmkt.service.testing.KafkaProbe;
import io.fmkt.service.testing.LocalStackResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code fmkt.client.ids=group} through a real broker: alone, the service owns every slot of
 * fmkt.hosts; when a second member joins the group (here a plain consumer standing in for another
 * replica) it keeps half, and a run's clients on the other half wait for their host; when that member
 * leaves, the service takes them up and the run goes on.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
@TestProfile(HostGroupTest.Grouped.class)
class HostGroupTest {
    public static class Grouped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fmkt.client.ids", "group");
        }
    }

    static final WireCodec CODEC = new WireCodec();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    MeterRegistry registry;

    @Test
    void theClientsOfALeavingMembersSlotsAreTakenUpAndTheRunGoesOn() {
        int slots = Topics.SPECS.get(Topics.HOSTS).partitions();
        await("the service owns every slot alone", () -> owned() == slots, () -> { });

        ExperimentConfig c = ExperimentConfig.builder().clients(4).pairs(1).rounds(1).testCap(100).width(2).seed(5)
                .batchSize(32).layers("3").probeImages(8).syntheticTrainPerBatch(40).syntheticTest(100).build();
        String run = "hosts-" + UUID.randomUUID().toString().substring(0, 8);
        Set<Integer> peerSlots = new ConcurrentSkipListSet<>();
        try (KafkaConsumer<byte[], byte[]> peer = peer()) {
            peer.subscribe(List.of(Topics.HOSTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> peerSlots.remove(p.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> peerSlots.add(p.partition()));
                }
            });
            await("the slots are split", () -> peerSlots.size() == slots / 2 && owned() == slots / 2,
                    () -> peer.poll(Duration.ofMillis(200)));
            // round robin over the members sorted by client id: instance 0 first, as with k/K
            assertThat(peerSlots).containsExactly(1, 3, 5, 7, 9, 11);

            RunStarted started = RunStarted.of(run, c, Instant.now());
            KafkaProbe.send(bootstrap, Topics.RUNS, Topics.keyOf(started), CODEC.encode(started));
            for (int client : List.of(0, 2)) {
                assertThat(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(60), 1))
                        .as("initial model of hosted client %d", client).hasSize(1);
            }
            for (int client : List.of(1, 3)) {
                assertThat(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(2), 1))
                        .as("client %d belongs to the other member", client).isEmpty();
            }
        } // the peer leaves the group: its slots move to the service

        await("the service owns every slot again", () -> owned() == slots, () -> { });
        for (int client : List.of(1, 3)) {
            // one poll may also bring round 1's update, published right after: the first must be round 0
            assertThat(rounds(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(60), 1)))
                    .as("initial model of taken-over client %d", client).startsWith(0);
        }
        PeerPair pair = PeerSchedule.pairs(c.schedule().seed(), 1, c.data().clients(), c.schedule().pairs()).get(0);
        assertThat(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, pair.updater()), Duration.ofSeconds(60), 2))
                .as("round 1's update: the run goes on").hasSize(2);
        for (int client : List.of(0, 1, 2, 3)) {
            assertThat(rounds(KafkaProbe.read(bootstrap, Topics.MODELS, Topics.modelKey(run, client), Duration.ofSeconds(1), 3)))
                    .as("client %d published round 0 once (kept, not redone), and round 1 if it updated", client)
                    .isEqualTo(client == pair.updater() ? List.of(0, 1) : List.of(0));
        }
    }

    private static List<Integer> rounds(List<byte[]> models) {
        return models.stream().map(m -> CODEC.decode(m, ModelPublished.class).round()).toList();
    }

    private KafkaConsumer<byte[], byte[]> peer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, HostGroup.GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG, "fmkt-client-service-9-hosts",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RoundRobinAssignor.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private double owned() {
        var g = registry.find(Metrics.PARTITIONS_OWNED).tag(Metrics.TAG_TOPIC, Topics.HOSTS).gauge();
        return g == null ? -1 : g.value();
    }

    private static void await(String what, BooleanSupplier done, Runnable meanwhile) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out: " + what).isLessThan(deadline);
            meanwhile.run();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
