package io.fmkt.service.common;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Service-wide settings under {@code fmkt.*} (the object store has its own group, {@link S3Settings}).
 */
@ConfigMapping(prefix = "fmkt")
public interface FmktSettings {

    /** Where CIFAR-10 data and its caches live; absent: experiments must use synthetic data. */
    Optional<Path> dataDir();

    /**
     * PyTorch intra-op threads ({@code ai.djl.pytorch.num_threads}); absent: PyTorch's default (all
     * cores). DJL reads it once, when the engine starts, so {@link DjlEngine} applies it before that.
     */
    OptionalInt djlThreads();

    /**
     * Sets {@code ai.djl.offline} before DJL starts, so the engine never tries a download (natives come
     * from the pytorch-native-cpu jar). An explicit {@code -Dai.djl.offline} or env {@code DJL_OFFLINE} wins.
     */
    @WithDefault("true")
    boolean djlOffline();

    /**
     * {@code native} or {@code portable} ({@link io.fmkt.core.numerics.Numerics}): fixed for the process,
     * applied before the engine starts. Runs that ask for the other mode are refused
     * ({@code NUMERICS_MISMATCH}), since this process could not compute their numbers.
     */
    @WithDefault("native")
    String numerics();

    /**
     * Model widths whose convolution kernels the readiness check verifies before the service reports
     * ready ({@link io.fmkt.core.numerics.KernelCheck}, at the default batch, 64), comma-separated, each
     * at most {@code fmkt.limits.width}, or {@code none}; a run of another width or batch is checked when
     * it is admitted. A malformed value keeps the service not ready, with a message naming it.
     */
    @WithName("kernel-check.widths")
    @WithDefault("4,16")
    String kernelCheckWidths();

    /**
     * A fault injected into the kernel check's answers, for tests of the refusal only
     * ({@link io.fmkt.core.numerics.KernelCheck#FAULT_PROPERTY}, which reads it itself); declared here so
     * that setting it is not refused as an unknown {@code fmkt.*} key.
     */
    @WithName("kernel-check.fault")
    java.util.Optional<String> kernelCheckFault();

    /**
     * This process's name as a worker ({@code FMKT_WORKER}): fusion-service puts it in its announcements and
     * in the {@code worker} tag of its metrics, so that a run's throughput can be told per worker. Absent:
     * the host name, a pod's own on Kubernetes; processes sharing a host need one each (the local
     * deployment names them after their replica).
     */
    Optional<String> worker();

    /** {@link #worker()}, or the host name; at most 128 characters (it travels in FusionCompleted). */
    default String workerName() {
        String name = worker().orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            if (host != null && !host.isBlank()) {
                return host;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "pid-" + ProcessHandle.current().pid();
            }
        });
        if (name.isBlank() || name.length() > io.fmkt.core.wire.FusionCompleted.MAX_WORKER_CHARS) {
            throw new IllegalArgumentException("fmkt.worker must be 1.." + io.fmkt.core.wire.FusionCompleted.MAX_WORKER_CHARS
                    + " characters, got " + name.length());
        }
        return name;
    }

    /** Bounds on what one run may ask for ({@link io.fmkt.core.admission.RunLimits}); absent: its defaults. */
    Limits limits();

    /** {@code fmkt.limits.*}: each absent key keeps {@link io.fmkt.core.admission.RunLimits#DEFAULTS}' value. */
    interface Limits {
        OptionalInt clients();

        OptionalInt clientsPerInstance();

        OptionalInt width();

        OptionalInt rounds();

        OptionalInt epochs();

        OptionalInt batchSize();

        OptionalInt probeImages();

        OptionalInt imagesPerClient();

        OptionalInt syntheticImages();

        java.util.OptionalLong memoryBytes();

        default io.fmkt.core.admission.RunLimits resolve() {
            io.fmkt.core.admission.RunLimits d = io.fmkt.core.admission.RunLimits.DEFAULTS;
            return new io.fmkt.core.admission.RunLimits(clients().orElse(d.clients()),
                    clientsPerInstance().orElse(d.clientsPerInstance()), width().orElse(d.width()),
                    rounds().orElse(d.rounds()), epochs().orElse(d.epochs()), batchSize().orElse(d.batchSize()),
                    probeImages().orElse(d.probeImages()), imagesPerClient().orElse(d.imagesPerClient()),
                    syntheticImages().orElse(d.syntheticImages()), memoryBytes().orElse(d.memoryBytes()));
        }
    }
}
