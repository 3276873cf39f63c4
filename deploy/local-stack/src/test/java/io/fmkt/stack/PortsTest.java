package io.fmkt.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller's port is picked after the broker's: the OS may hand the same free port out twice. */
class PortsTest {

    @Test
    void aPickedPortIsNeverOneAlreadyTakenAndAGivenPortIsKept() {
        Iterator<Integer> os = List.of(40967, 40967, 40968).iterator(); // the same port twice, as in a CI run
        int broker = Ports.resolve(0, os::next);
        int controller = Ports.resolve(0, os::next, broker);
        assertThat(broker).isEqualTo(40967);
        assertThat(controller).isEqualTo(40968);
        assertThat(Ports.resolve(9093, () -> 1, 9093)).as("a port the user gave is theirs to choose").isEqualTo(9093);
        int real = Ports.resolve(0);
        assertThat(Ports.resolve(0, real)).isNotEqualTo(real).isPositive();
    }
}
