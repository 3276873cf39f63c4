package io.fmkt.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerPairTest {

    @Test
    void aClientCannotPairWithItself() {
        assertThatThrownBy(() -> new PeerPair(3, 3)).hasMessageContaining("itself");
    }

    @Test
    void negativeIdsAreRejected() {
        assertThatThrownBy(() -> new PeerPair(-1, 2)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new PeerPair(1, -2)).hasMessageContaining(">= 0");
    }

    @Test
    void printsAsAnArrow() {
        assertThat(new PeerPair(4, 7)).hasToString("4->7");
    }
}
