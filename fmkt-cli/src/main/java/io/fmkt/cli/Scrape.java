package io.fmkt.cli;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples of a Prometheus text scrape: a service's {@code /q/metrics} ({@link LocalDeployment#metrics}). */
final class Scrape {
    private Scrape() {
    }

    /** The sum of the samples of {@code name} labelled {@code label="value"}; empty when there is none. */
    static OptionalDouble sum(String scrape, String name, String label, String value) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*\\b" + Pattern.quote(label) + "=\""
                + Pattern.quote(value) + "\"[^}]*\\} (\\S+)$").matcher(scrape);
        double sum = 0;
        boolean any = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            any = true;
        }
        return any ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
