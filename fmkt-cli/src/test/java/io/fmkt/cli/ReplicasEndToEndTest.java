package io.fmkt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmkt.core.round.ExperimentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
class ReplicasEndToEndTest {

    @Test
    void twoClientReplicasAndTwoFusionWorkersGiveTheSimulatorsNumbers(@TempDir Path tmp) throws Exception {
        DeploymentOptions d = EndToEndTest.options(tmp, EndToEndTest.freePorts());
        d.replicas = "client=2,fusion=2";
        ExperimentConfig c = ExperimentConfig.builder().data("synthetic").clients(6).pairs(2).rounds(3).width(4)
                .seed(2).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path out = RunCommand.execute(c, "e2e-replicas", d, new PrintStream(console, true));

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
