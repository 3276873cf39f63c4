package io.fmkt.cli.numerics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./fmkt} in a fresh JVM, with the test class path: libtorch reads its numerics settings once
 * per process, so every mode and environment under test needs a process of its own.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Runs {@code io.fmkt.cli.FmktCli args} under {@code env} (and {@code prefix}, e.g. taskset); returns stdout. */
    static String fmkt(Map<String, String> env, List<String> prefix, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "io.fmkt.cli.FmktCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // A clean slate for the knobs under test: the parent's settings must not leak into the child.
        for (String k : List.of("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS",
                "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_DYNAMIC", "MKL_DYNAMIC")) {
            pb.environment().remove(k);
        }
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("fmkt " + String.join(" ", args) + " failed under " + env + ":\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The probe's {@code key=value} fields (see NumericsProbeCommand). */
    static Map<String, String> probe(Map<String, String> env, List<String> prefix, String mode)
            throws IOException, InterruptedException {
        String out = fmkt(env, prefix, "numerics-probe", "--numerics", mode);
        return io.fmkt.cli.NumericsProbeCommand.fields(out);
    }
}
