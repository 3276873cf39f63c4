package io.fmkt.service.client;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** Which clients this instance hosts, and how long a receiver waits for a silent peer. */
@ConfigMapping(prefix = "fmkt.client")
public interface ClientSettings {

    /**
     * {@code all} (every client of each run: one process locally), a list {@code 0,3,7}, ranges
     * {@code 0-4}, or {@code k/K}: every id that is k modulo K (replica k of K, whatever the run's
     * size); on a cluster a StatefulSet pod sets its ordinal. Or {@code group}: the clients of the
     * fmkt.hosts partitions this replica owns in the replicas' shared consumer group ({@link HostGroup};
     * {@code ./fmkt run --replicas}), so that survivors take over a dead replica's clients.
     */
    @WithDefault("all")
    String ids();

    /** {@code group}: a replica that stops heartbeating for this long loses its clients to the others. */
    @WithDefault("PT10S")
    Duration groupSessionTimeout();

    default boolean grouped() {
        return ids().trim().equals(GROUP);
    }

    String GROUP = "group";

    /** In {@code group} mode, the clients of partition {@code slot} of fmkt.hosts: every id that is slot modulo slots. */
    static Set<Integer> clientsOfSlot(int slot, int slots, int clients) {
        Set<Integer> ids = new TreeSet<>();
        for (int i = slot; i < clients; i += slots) {
            ids.add(i);
        }
        return ids;
    }

    /** A receiver skips its pair when the updater's model or the fusion result is this late. */
    @WithDefault("PT10M")
    Duration deadline();

    default Set<Integer> hostedClients(int clients) {
        Set<Integer> ids = new TreeSet<>();
        String spec = ids().trim();
        if (spec.equals(GROUP)) {
            throw new IllegalStateException("fmkt.client.ids=group: the hosted clients follow the fmkt.hosts assignment");
        }
        if (spec.equals("all")) {
            for (int i = 0; i < clients; i++) {
                ids.add(i);
            }
            return ids;
        }
        java.util.regex.Matcher stride = java.util.regex.Pattern.compile("(\\d{1,4})/(\\d{1,4})").matcher(spec);
        if (stride.matches()) {
            int k = Integer.parseInt(stride.group(1));
            int of = Integer.parseInt(stride.group(2));
            if (of < 1 || k >= of) {
                throw new IllegalArgumentException("fmkt.client.ids: '" + spec + "' must be k/K with 0 <= k < K");
            }
            return clientsOfSlot(k, of, clients);
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
                if (from < 0 || to < from) {
                    throw new IllegalArgumentException();
                }
                for (int i = from; i <= to; i++) {
                    ids.add(i);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fmkt.client.ids: '" + p + "' is not a client id or range"
                        + " (expected all, 0,3,7, 0-4, k/K or group)");
            }
        }
        return ids;
    }
}
