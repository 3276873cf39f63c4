package io.fmkt.service.common;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
}
