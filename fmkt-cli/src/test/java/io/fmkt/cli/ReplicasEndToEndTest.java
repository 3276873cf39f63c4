package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.schedule.PeerPair;
import io.fmkt.core.schedule.PeerSchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./fmkt run --replicas client=2,fusion=2}: two client-service processes split the clients,
 * two fusion workers split the pairs through their consumer group, and the run is the simulator's,
 * byte for byte; each worker says how many pairs it fused, and together they fused each pair once.
 * And when one replica of each dies mid-run, the survivors take over and the run is still the same.
 */
class ReplicasEndToEndTest {

    @Test
    void twoClientReplicasAndTwoFusionWorkersGiveTheSimulatorsNumbers(@TempDir Path tmp) throws Exception {
        DeploymentOptions d = EndToEndTest.options(tmp, EndToEndTest.freePorts());
        d.replicas = "client=2,fusion=2";
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(6).pairs(2).rounds(3).width(4)
                .seed(2).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path out = RunCommand.execute(c, "e2e-replicas", d, new PrintStream(console, true)).out();

        EndToEndTest.assertSameFilesAsTheSimulator(out, c, tmp, console.toString());
        // the clients split between the two client processes, each id hosted once
        assertThat(Files.readString(out.resolve("logs/client-service.log"))).contains("hosting clients [0, 2, 4] of 6");
        assertThat(Files.readString(out.resolve("logs/client-service-1.log"))).contains("hosting clients [1, 3, 5] of 6");
        // each fusion worker reports its share; together every scheduled pair exactly once
        Map<String, Integer> fused = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^(fusion-service(?:-1)?) fused (\\d+) pairs of this run$").matcher(console.toString());
        while (m.find()) {
            fused.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertThat(fused).as(console.toString()).containsOnlyKeys("fusion-service", "fusion-service-1");
        assertThat(fused.values().stream().mapToInt(Integer::intValue).sum()).as("no pair fused twice, none lost")
                .isEqualTo(c.schedule().rounds() * c.schedule().pairs());
    }

    /**
     * Issue 13, fault behaviour: one replica of each scaled service is killed (SIGKILL, no restart)
     * while round 1's fusions are under way. The survivors take over its clients (fmkt.hosts) and pairs
     * (fmkt.pairs), the run still equals the simulator's, and the time each takeover took is printed.
     */
    @Test
    void survivorsTakeOverAKilledClientReplicaAndFusionWorkerAndTheRunStillEqualsTheSimulator(@TempDir Path tmp)
            throws Exception {
        DeploymentOptions d = EndToEndTest.options(tmp, EndToEndTest.freePorts());
        d.replicas = "client=2,fusion=2";
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(6).pairs(2).rounds(3).width(4)
                .seed(5).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path out = RunCommand.execute(c, "e2e-failover", d, List.of("client-service-1", "fusion-service-1"),
                new PrintStream(console, true)).out();
        String said = console.toString();

        EndToEndTest.assertSameFilesAsTheSimulator(out, c, tmp, said);
        assertThat(said).contains("killed client-service-1 (SIGKILL", "killed fusion-service-1 (SIGKILL");
        for (String[] takeover : new String[][] {{"client-service", "fmkt.hosts"}, {"fusion-service", "fmkt.pairs"}}) {
            Matcher t = Pattern.compile(takeover[0] + "-1 died \\(exit \\d+\\); its share of " + Pattern.quote(takeover[1])
                    + " taken over by " + takeover[0] + " after ([0-9.]+) s").matcher(said);
            assertThat(t.find()).as(said).isTrue();
            assertThat(Double.parseDouble(t.group(1))).as("time to recover, s").isLessThan(120);
        }
        // The dead replica's clients were taken up by the survivor. Seed 5's round-1 pairs (1->4, 3->0)
        // each need a model that client-service-1 trained, so it had said what it hosts before the kill.
        assertThat(PeerSchedule.pairs(c.schedule().seed(), 1, c.data().clients(), c.schedule().pairs()))
                .allMatch(p -> p.updater() % 2 == 1 || p.receiver() % 2 == 1);
        assertThat(Files.readString(out.resolve("logs/client-service-1.log"))).contains("hosting clients [1, 3, 5] of 6");
        assertThat(Files.readString(out.resolve("logs/client-service.log")))
                .contains("hosting clients [0, 1, 2, 3, 4, 5] of 6 (taken up [1, 3, 5])");
        // Every pair of the rounds after round 1 was fused by the surviving worker, or by the killed one
        // before it died: a round-2 pair whose two clients wait for no round-1 fusion can be requested,
        // on the killed worker's partitions, while round 1's first fusion still runs.
        String survivor = Files.readString(out.resolve("logs/fusion-service.log"));
        String killed = Files.readString(out.resolve("logs/fusion-service-1.log"));
        int bySurvivor = 0;
        for (int r = 2; r <= c.schedule().rounds(); r++) {
            for (PeerPair p : PeerSchedule.pairs(c.schedule().seed(), r, c.data().clients(), c.schedule().pairs())) {
                String fused = "run e2e-failover round " + r + ": fused " + p.updater() + "->" + p.receiver();
                assertThat(survivor.contains(fused) || killed.contains(fused)).as(fused).isTrue();
                bySurvivor += survivor.contains(fused) ? 1 : 0;
            }
        }
        assertThat(bySurvivor).as("pairs of rounds 2..3 the survivor fused").isGreaterThanOrEqualTo(c.schedule().pairs());
        assertThat(said).containsPattern("(?m)^fusion-service fused \\d+ pairs of this run$")
                .doesNotContain("fusion-service-1 fused");
    }

    @Test
    void ownedPartitionsAreReadPerTopicFromAScrape() {
        String scrape = """
                # TYPE fmkt_partitions_owned gauge
                fmkt_partitions_owned{topic="fmkt.pairs"} 6.0
                fmkt_partitions_owned{topic="fmkt.hosts"} 12.0
                fmkt_fusion_pairs_total{outcome="fused"} 3.0
                """;
        assertThat(LocalDeployment.ownedPartitions(scrape, "fmkt.hosts")).isEqualTo(12);
        assertThat(LocalDeployment.ownedPartitions(scrape, "fmkt.pairs")).isEqualTo(6);
        assertThat(LocalDeployment.ownedPartitions("", "fmkt.pairs")).as("a dead replica answers nothing").isZero();
    }

    @Test
    void replicasAreParsedAndBounded() {
        assertThat(LocalDeployment.Replicas.parse("client=3,fusion=2")).isEqualTo(new LocalDeployment.Replicas(3, 2));
        assertThat(LocalDeployment.Replicas.parse("fusion=4")).isEqualTo(new LocalDeployment.Replicas(1, 4));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalDeployment.Replicas.parse("client=0"))
                .hasMessageContaining("must be in 1..8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalDeployment.Replicas.parse("eval=2"))
                .hasMessageContaining("'eval=2' is not client=K or fusion=M");
    }
}
