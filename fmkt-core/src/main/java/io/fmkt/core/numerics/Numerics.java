package io.fmkt.core.numerics;

import io.fmkt.core.names.Labels;
import java.util.Map;

/**
 * Which arithmetic PyTorch may use. Float results depend on the kernels a machine picks: ATen's
 * vector width, oneDNN's instruction set, MKL's code path and the thread count each change the order
 * of additions (each one shown by {@code NumericsClaimsTest}). {@link #NATIVE} lets the machine choose
 * (fastest, numbers tied to the machine); {@link #PORTABLE} pins every one of them to what any x86-64
 * processor with AVX2 and FMA runs the same way, so a run repeats byte for byte on other machines.
 *
 * <p>These settings are read once per process, when libtorch loads: {@link NumericsSetup} applies them
 * before the engine starts, and a process runs one mode for its whole life.
 */
public enum Numerics {
    /** Whatever this machine and its environment choose: today's behaviour. */
    NATIVE(Map.of(), 0, 0),
    /**
     * ATen's AVX2 kernels, ATen's own convolutions ({@link Convolutions#of}: oneDNN's blocking reads the
     * cache sizes), MKL's vendor-neutral code path in strict reproducibility mode (its AVX2 path gave
     * other bits on an AMD processor than on Intel ones, docs/NUMERICS.md), two intra-op threads
     * (whatever the core count, never adjusted dynamically) and one inter-op thread. oneDNN stays capped
     * at AVX2 should anything reach it.
     */
    PORTABLE(Map.of(
            "ATEN_CPU_CAPABILITY", "avx2",
            "ONEDNN_MAX_CPU_ISA", "AVX2",
            "MKL_CBWR", "COMPATIBLE,STRICT",
            "OMP_NUM_THREADS", "2",
            "MKL_NUM_THREADS", "2",
            // no library may pick fewer threads on its own (libgomp would by the load average)
            "OMP_DYNAMIC", "FALSE",
            "MKL_DYNAMIC", "FALSE"), 2, 1);

    private final Map<String, String> environment;
    private final int intraOpThreads;
    private final int interOpThreads;

    Numerics(Map<String, String> environment, int intraOpThreads, int interOpThreads) {
        this.environment = environment;
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
    }

    /** Environment variables libtorch, oneDNN, MKL and OpenMP read when they load. */
    public Map<String, String> environment() {
        return environment;
    }

    /** PyTorch intra-op threads; 0: PyTorch's default (one per core). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** PyTorch inter-op threads; 0: the caller's choice. */
    public int interOpThreads() {
        return interOpThreads;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return Labels.of(this);
    }

    /** {@code native} or {@code portable}; null (a config from before the mode existed) is native. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    public static Numerics parse(String s) {
        if (s == null) {
            return NATIVE;
        }
        return Labels.parse(Numerics.class, s, "numerics");
    }
}
