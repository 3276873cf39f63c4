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
     * size; {@code ./fmkt run --replicas}); on a cluster a StatefulSet pod sets its ordinal.
     */
    @WithDefault("all")
    String ids();

    /** A receiver skips its pair when the updater's model or the fusion result is this late. */
    @WithDefault("PT10M")
    Duration deadline();

    default Set<Integer> hostedClients(int clients) {
        Set<Integer> ids = new TreeSet<>();
        String spec = ids().trim();
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
            for (int i = k; i < clients; i += of) {
                ids.add(i);
            }
            return ids;
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
                        + " (expected all, 0,3,7, 0-4 or k/K)");
            }
        }
        return ids;
    }
}
