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
     * ready ({@link io.fmkt.core.numerics.KernelCheck}, at batch 64), comma-separated, or {@code none}; a
     * run of another width or batch is checked when it is admitted.
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
