package io.fmkt.service.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.codec.Digests;
import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.protocol.ClientAgent;
import io.fmkt.core.protocol.ModelStore;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import io.fmkt.core.store.ObjectRef;
import io.fmkt.core.store.ObjectStore;
import io.fmkt.core.train.ExperimentData;
import io.fmkt.core.wire.FusionRequested;
import io.fmkt.core.wire.ModelPublished;
import io.fmkt.core.wire.RoundMessage;
import io.fmkt.core.wire.RunStarted;
import io.fmkt.core.wire.WireMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Group hosting's pure logic, without a broker: one agent per slot, and what one agent publishes is
 * handed at once to the run's other agents on the replica. With no log to echo anything back (as
 * here), round 1 still gets every fusion request, each right after its updater's model.
 */
class ClientHostingTest {

    @Test
    void agentsInOtherSlotsHearAtOnceSoEachFusionIsAskedForRightAfterItsUpdatersModel() throws Exception {
        ExperimentConfig c = ExperimentConfig.builder().clients(8).pairs(2).rounds(1).testCap(50).width(2).seed(5)
                .batchSize(32).layers("3").probeImages(8).syntheticTrainPerBatch(40).syntheticTest(50).build();
        List<PeerPair> round1 = PeerSchedule.pairs(c.schedule().seed(), 1, 8, 2);
        ExperimentData data = ExperimentData.load(c);
        Map<String, byte[]> objects = new HashMap<>();
        ObjectStore store = new ObjectStore() { // a map: the S3 path has its own tests
            @Override
            public ObjectRef put(String key, byte[] bytes) {
                objects.put(key, bytes);
                return new ObjectRef(key, Digests.sha256Hex(bytes), bytes.length);
            }

            @Override
            public byte[] get(ObjectRef ref) {
                return objects.get(ref.key());
            }

            @Override
            public boolean exists(String key) {
                return objects.containsKey(key);
            }
        };
        List<WireMessage> published = new ArrayList<>();
        ClientHosting hosting = new ClientHosting(ClientSettingsTest.ids(ClientSettings.GROUP), new ClientHosting.Agents() {
            @Override
            public ClientAgent create(RunStarted run, Set<Integer> clients, List<RoundMessage> logged) {
                ClientAgent a = new ClientAgent(run.runId(), run.config(), clients, new ModelStore(store), data,
                        Duration.ofHours(1));
                a.recover(logged);
                return a;
            }

            @Override
            public List<RoundMessage> logged(RunStarted run) {
                return List.of();
            }
        }, published::addAll);

        hosting.takeUp(RunStarted.of("run-hosting", c, Instant.now()), List.of()); // parked until assigned
        assertThat(published).isEmpty();
        hosting.assign(Set.copyOf(IntStream.range(0, 12).boxed().toList()), 12); // every client its own slot

        assertThat(published).filteredOn(m -> m instanceof ModelPublished mp && mp.round() == 0).hasSize(8);
        for (PeerPair p : round1) {
            int model = indexOf(published, m -> m instanceof ModelPublished mp && mp.round() == 1 && mp.client() == p.updater());
            int request = indexOf(published, m -> m instanceof FusionRequested f && f.receiver() == p.receiver());
            assertThat(model).as("round 1 model of updater %d", p.updater()).isNotNegative();
            assertThat(request).as("fusion request of receiver %d, right after its updater's model", p.receiver())
                    .isEqualTo(model + 1);
        }
    }

    private static int indexOf(List<WireMessage> list, java.util.function.Predicate<WireMessage> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
