package io.fmkt.service.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which clients an instance hosts: replicas k/K split any run's ids between them, each id once. */
class ClientSettingsTest {

    private static ClientSettings ids(String spec) {
        return new ClientSettings() {
            @Override
            public String ids() {
                return spec;
            }

            @Override
            public Duration deadline() {
                return Duration.ofMinutes(10);
            }
        };
    }

    @Test
    void replicasKOfKSplitEveryRunIntoDisjointSetsCoveringAllIds() {
        for (int clients : new int[] {2, 7, 128}) {
            java.util.Set<Integer> union = new java.util.TreeSet<>();
            int total = 0;
            for (int k = 0; k < 3; k++) {
                final int r = k;
                java.util.Set<Integer> hosted = ids(k + "/3").hostedClients(clients);
                assertThat(hosted).allSatisfy(i -> assertThat(i % 3).isEqualTo(r));
                union.addAll(hosted);
                total += hosted.size();
            }
            assertThat(total).as("no id hosted twice").isEqualTo(clients);
            assertThat(union).hasSize(clients).contains(0, clients - 1);
        }
        assertThat(ids("1/2").hostedClients(7)).containsExactly(1, 3, 5);
        assertThat(ids("0-2,5").hostedClients(8)).containsExactly(0, 1, 2, 5);
    }

    @Test
    void aBadSpecIsRefusedByName() {
        assertThatThrownBy(() -> ids("3/3").hostedClients(8)).hasMessageContaining("k/K with 0 <= k < K");
        assertThatThrownBy(() -> ids("x").hostedClients(8)).hasMessageContaining("expected all, 0,3,7, 0-4 or k/K");
    }
}
