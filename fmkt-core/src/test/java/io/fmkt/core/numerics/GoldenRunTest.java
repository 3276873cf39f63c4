package io.fmkt.core.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed golden runs ({@code docs/results/golden/}, made in portable mode on another machine)
 * come out byte for byte here. Machines of this project's kind change from session to session (Intel
 * one day, AMD another), so this is a cross-machine check over time. {@code pairs.csv} is compared
 * without its wall-time columns ({@code *_seconds}), which no machine repeats.
 */
class GoldenRunTest {
    private static final Path GOLDEN = Path.of("..", "docs", "results", "golden").toAbsolutePath().normalize();
    /** The CIFAR-10 archive beside the repository, as on the project's machines and in CI. */
    private static final Path CIFAR = GOLDEN.resolve("../../../../shared/data/cifar-10-binary.tar.gz").normalize();
    /** Set in CI, where the archive is present: the CIFAR golden must run there, not be skipped. */
    private static final String REQUIRE_CIFAR = "FMKT_GOLDEN_CIFAR_REQUIRED";

    @Test
    void syntheticRunRepeatsTheCommittedNumbers(@TempDir Path out) throws Exception {
        rerunAndCompare("synthetic", out, "--data", "synthetic", "--clients", "4", "--pairs", "1", "--rounds", "3",
                "--width", "4", "--seed", "1");
    }

    @Test
    void cifarRunRepeatsTheCommittedNumbers(@TempDir Path out) throws Exception {
        if (!Files.exists(CIFAR)) {
            Assumptions.assumeTrue(System.getenv(REQUIRE_CIFAR) == null, CIFAR + " is missing");
            throw new AssertionError(REQUIRE_CIFAR + " is set but " + CIFAR + " is missing");
        }
        rerunAndCompare("cifar", out, "--data", CIFAR.toString(), "--clients", "4", "--pairs", "1", "--rounds", "3",
                "--width", "8", "--per-client-cap", "500", "--test-cap", "1000", "--seed", "1");
    }

    @Test
    void pairsWithoutTimesDropsOnlyTheSecondsColumns() {
        String csv = "round,local_loss,local_seconds,reason\n1,2.5,1.041,\"a, b\"\n";
        assertThat(withoutTimes(csv)).isEqualTo("round,local_loss,reason\n1,2.5,\"a, b\"\n");
    }

    /** Runs {@code simulate --numerics portable} with {@code options} in a fresh JVM and compares with the golden run. */
    private static void rerunAndCompare(String name, Path out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("simulate", "--numerics", "portable"));
        args.addAll(List.of(options));
        args.addAll(List.of("--out", out.toString()));
        ChildJvm.fmkt(Map.of(), List.of(), args.toArray(String[]::new));
        Path golden = GOLDEN.resolve(name);
        assertThat(Files.readString(out.resolve("rounds.csv"))).isEqualTo(Files.readString(golden.resolve("rounds.csv")));
        assertThat(withoutTimes(Files.readString(out.resolve("pairs.csv"))))
                .isEqualTo(Files.readString(golden.resolve("pairs.csv")));
    }

    /** {@code csv} without the columns whose header ends in {@code _seconds} (quoted fields kept whole). */
    static String withoutTimes(String csv) {
        StringBuilder sb = new StringBuilder();
        List<Integer> keep = null;
        for (String line : csv.lines().toList()) {
            List<String> fields = fields(line);
            if (keep == null) {
                keep = new ArrayList<>();
                for (int i = 0; i < fields.size(); i++) {
                    if (!fields.get(i).endsWith("_seconds")) {
                        keep.add(i);
                    }
                }
            }
            List<String> kept = new ArrayList<>();
            for (int i : keep) {
                kept.add(i < fields.size() ? fields.get(i) : "");
            }
            sb.append(String.join(",", kept)).append('\n');
        }
        return sb.toString();
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            }
            if (ch == ',' && !quoted) {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        out.add(f.toString());
        return out;
    }
}
