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

    /** A finished child: its exit status and what it printed (stdout and stderr). */
    record Exit(int status, String output) {
    }

    /** Runs {@code io.fmkt.cli.FmktCli args} under {@code env} (and {@code prefix}, e.g. taskset); returns stdout. */
    static String fmkt(Map<String, String> env, List<String> prefix, String... args) throws IOException, InterruptedException {
        Exit e = run(env, prefix, args);
        if (e.status() != 0) {
            throw new IllegalStateException("fmkt " + String.join(" ", args) + " failed under " + env + ":\n" + e.output());
        }
        return e.output();
    }

    /** As {@link #fmkt}, whatever the exit status. */
    static Exit run(Map<String, String> env, List<String> prefix, String... args) throws IOException, InterruptedException {
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
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("fmkt " + String.join(" ", args) + " did not finish under " + env + ":\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
        return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The probe's {@code key=value} fields (see NumericsProbeCommand), at width 4. */
    static Map<String, String> probe(Map<String, String> env, List<String> prefix, String mode)
            throws IOException, InterruptedException {
        return probe(env, prefix, mode, 4);
    }

    /** Probes already run in this test JVM: the same process under the same settings gives the same bits. */
    private static final Map<List<Object>, Map<String, String>> PROBES = new java.util.concurrent.ConcurrentHashMap<>();

    static Map<String, String> probe(Map<String, String> env, List<String> prefix, String mode, int width)
            throws IOException, InterruptedException {
        List<Object> key = List.of(Map.copyOf(env), List.copyOf(prefix), mode, width);
        Map<String, String> done = PROBES.get(key);
        if (done == null) {
            String out = fmkt(env, prefix, "numerics-probe", "--numerics", mode, "--width", Integer.toString(width));
            done = io.fmkt.cli.NumericsProbeCommand.fields(out);
            PROBES.put(key, done);
        }
        return done;
    }
}
