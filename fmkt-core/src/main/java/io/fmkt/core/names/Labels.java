package io.fmkt.core.names;

import java.util.List;
import java.util.Locale;

/**
 * How fmkt's named settings (fusion method, keep policy, feature norm, numerics, replay mode) are written
 * in configs, on the command line and over HTTP: an enum constant's name in lower case, read in any case.
 */
public final class Labels {
    private Labels() {
    }

    public static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} labelled {@code s}, in any case.
     *
     * @param what the setting, as the error names it ("keep policy")
     * @throws IllegalArgumentException naming {@code s} and every label, e.g. {@code unknown keep policy 'x'
     *         (expected received, own or best)}
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String s, String what) {
        for (E e : type.getEnumConstants()) {
            if (of(e).equalsIgnoreCase(s)) {
                return e;
            }
        }
        List<String> all = java.util.Arrays.stream(type.getEnumConstants()).map(Labels::of).toList();
        String expected = String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1);
        throw new IllegalArgumentException("unknown " + what + " '" + s + "' (expected " + expected + ")");
    }
}
