package io.fmkt.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

/** Free-port selection for listeners that must know their port before they bind. */
final class Ports {
    private Ports() {
    }

    /**
     * {@code port} itself, or a currently free loopback port when it is 0, other than any of
     * {@code taken}: two picks in a row may get the same port back from the OS, and two of Kafka's
     * listeners on one port fail its start.
     */
    static int resolve(int port, int... taken) {
        return resolve(port, Ports::freeLoopbackPort, taken);
    }

    static int resolve(int port, IntSupplier pick, int... taken) {
        if (port != 0) {
            return port;
        }
        while (true) {
            int p = pick.getAsInt();
            if (IntStream.of(taken).noneMatch(t -> t == p)) {
                return p;
            }
        }
    }

    private static int freeLoopbackPort() {
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
