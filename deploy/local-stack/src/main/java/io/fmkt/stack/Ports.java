package io.fmkt.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free-port selection for listeners that must know their port before they bind. */
final class Ports {
    private Ports() {
    }

    /** {@code port} itself, or a currently free loopback port when it is 0. */
    static int resolve(int port) {
        if (port != 0) {
            return port;
        }
        // The KRaft voter string needs the controller port up front, so 0 cannot be handed to Kafka.
        // The short window between closing this socket and Kafka binding it is acceptable locally.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
