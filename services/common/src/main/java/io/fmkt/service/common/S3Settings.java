package io.fmkt.service.common;

import io.fmkt.s3.S3StoreConfig;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the object store is ({@code fmkt.s3.*}). The credentials come only from configuration: set
 * them through the environment ({@code FMKT_S3_ACCESS_KEY}, {@code FMKT_S3_SECRET_KEY}) rather than
 * {@code -D} flags, which any user can read in the process list. Never log this mapping itself; use
 * {@link #describe()}, which masks the secret.
 *
 * <p>{@code @Unremovable}: Quarkus drops a mapping that no bean in use injects (the ObjectStore
 * producer is unused until a service injects the store), and then fails on the fmkt.s3.* keys as
 * unknown ("does not map to any root", because {@link FmktSettings} owns the {@code fmkt} prefix).
 * Keeping it also validates the store settings at startup, so a service without them fails fast.
 */
@Unremovable
@ConfigMapping(prefix = "fmkt.s3")
public interface S3Settings {

    /** e.g. {@code http://127.0.0.1:9000} (path-style addressing). */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("fmkt")
    String bucket();

    @WithDefault(S3StoreConfig.DEFAULT_REGION)
    String region();

    /** Largest object the store writes or reads; the default (256 MiB) fits a width-64 ResNet-18 several times. */
    @WithDefault("268435456")
    long maxObjectBytes();

    default S3StoreConfig toStoreConfig() {
        return new S3StoreConfig(endpoint(), accessKey(), secretKey(), bucket(), region(), maxObjectBytes());
    }

    /** For logs: everything but the secret. */
    default String describe() {
        return toStoreConfig().toString(); // S3StoreConfig.toString masks the secret
    }
}
