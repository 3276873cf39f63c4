package io.fmkt.core.numerics;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Puts this process in a {@link Numerics} mode before PyTorch starts. The variables must be in the C
 * environment when libtorch, oneDNN and MKL first read them, which a JVM cannot do with
 * {@code System.getenv}: they are set with libc's {@code setenv} (JNA, already on DJL's class path).
 * DJL's thread properties are set beside them. A process has one mode for its life; asking for
 * another afterwards is refused, and so is portable once libtorch is already loaded.
 */
public final class NumericsSetup {
    /** The processor features portable kernels use; every x86-64 server since about 2015 has them. */
    static final Set<String> PORTABLE_CPU_FLAGS = Set.of("avx2", "fma");
    static final String THREADS = "ai.djl.pytorch.num_threads";
    static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOLOAD = 4;

    private static Numerics applied;

    private NumericsSetup() {
    }

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);

        Pointer dlopen(String file, int mode);

        /** glibc only: JNA binds it on the first call ({@link NativeMemory}). */
        int malloc_trim(long pad);
    }

    /**
     * Applies {@code mode} unless it already is this process's mode.
     *
     * @throws IllegalStateException if the process already runs another mode, or libtorch was loaded
     *         before portable could be applied, or the processor lacks AVX2/FMA
     */
    public static synchronized void apply(Numerics mode) {
        if (applied == mode) {
            return;
        }
        if (applied != null) {
            throw new IllegalStateException("this process already runs PyTorch with " + applied.label()
                    + " numerics, and they are fixed once libtorch has loaded; use a new process for "
                    + mode.label());
        }
        if (mode == Numerics.PORTABLE) {
            LibC c = libc();
            if (c.dlopen("libtorch_cpu.so", RTLD_LAZY | RTLD_NOLOAD) != null) {
                throw new IllegalStateException("portable numerics must be applied before PyTorch starts, but"
                        + " libtorch is already loaded in this process");
            }
            requireCpu(Path.of("/proc/cpuinfo"));
            for (Map.Entry<String, String> e : mode.environment().entrySet()) {
                if (c.setenv(e.getKey(), e.getValue(), 1) != 0) {
                    throw new IllegalStateException("cannot set " + e.getKey() + " for portable numerics");
                }
            }
            System.setProperty(THREADS, Integer.toString(mode.intraOpThreads()));
            System.setProperty(INTEROP_THREADS, Integer.toString(mode.interOpThreads()));
        }
        applied = mode;
    }

    /** The mode applied in this process, or null if none was. */
    public static synchronized Numerics applied() {
        return applied;
    }

    /** The C environment's value of {@code name} as libtorch sees it (null: unset). */
    public static String nativeEnv(String name) {
        return libc().getenv(name);
    }

    static void requireCpu(Path cpuinfo) {
        String flags;
        try {
            flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        } catch (IOException e) {
            return; // not Linux: nothing to check against; libtorch will refuse an unsupported capability
        }
        Set<String> have = Set.of(flags.replaceFirst("^flags\\s*:", "").trim().split("\\s+"));
        for (String f : PORTABLE_CPU_FLAGS) {
            if (!have.contains(f)) {
                throw new IllegalStateException("portable numerics need a processor with AVX2 and FMA; this one"
                        + " lacks '" + f + "' (use --numerics native)");
            }
        }
    }

    static LibC libc() {
        return Native.load("c", LibC.class);
    }
}
