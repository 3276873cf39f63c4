package io.fmkt.service.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which clients an instance hosts: replicas k/K split any run's ids between them, each id once. */
class ClientSettingsTest {

    /** Settings hosting {@code spec}, deadline 10 minutes. */
    static ClientSettings ids(String spec) {
        return new ClientSettings() {
            @Override
            public String ids() {
                return spec;
            }

            @Override
            public Duration deadline() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Duration groupSessionTimeout() {
                return Duration.ofSeconds(10);
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
        assertThatThrownBy(() -> ids("x").hostedClients(8)).hasMessageContaining("expected all, 0,3,7, 0-4, k/K or group");
    }

    @Test
    void groupHostingFollowsTheOwnedSlotsAndNoStaticSet() {
        assertThat(ids(" group ").grouped()).isTrue();
        assertThat(ids("0/2").grouped()).isFalse();
        assertThatThrownBy(() -> ids("group").hostedClients(8)).hasMessageContaining("follow the fmkt.hosts assignment");
        // the slots of fmkt.hosts partition any run's ids: each id in exactly one slot
        java.util.Set<Integer> union = new java.util.TreeSet<>();
        for (int slot = 0; slot < 12; slot++) {
            java.util.Set<Integer> of = ClientSettings.clientsOfSlot(slot, 12, 30);
            assertThat(java.util.Collections.disjoint(union, of)).isTrue();
            union.addAll(of);
        }
        assertThat(union).hasSize(30);
        assertThat(ClientSettings.clientsOfSlot(3, 12, 30)).containsExactly(3, 15, 27);
        assertThat(ClientSettings.clientsOfSlot(7, 12, 6)).isEmpty();
    }
}
