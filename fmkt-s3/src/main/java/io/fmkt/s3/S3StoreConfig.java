package io.fmkt.s3;

import java.util.Objects;

/**
 * Connection settings for {@link S3ObjectStore}.
 *
 * @param endpoint       e.g. {@code http://127.0.0.1:9000} (path-style addressing)
 * @param accessKey      S3 access key
 * @param secretKey      S3 secret key
 * @param bucket         bucket holding every object of this store (created when missing)
 * @param region         signing region; any value works for MinIO/S3Proxy, setting it saves a lookup
 * @param maxObjectBytes largest object {@code put} accepts and {@code get} reads (fits a byte[])
 */
public record S3StoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region,
                            long maxObjectBytes) {
    public static final String DEFAULT_REGION = "us-east-1";
    /** Room for a width-64 ResNet-18 (44.7 MB) several times over. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 256L << 20;
    /** Java arrays stop just short of 2 GiB. */
    static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    public S3StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        if (maxObjectBytes <= 0 || maxObjectBytes > ARRAY_LIMIT) {
            throw new IllegalArgumentException("maxObjectBytes must be in 1.." + ARRAY_LIMIT + ", got " + maxObjectBytes);
        }
    }

    /** Default region and size limit. */
    public static S3StoreConfig of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new S3StoreConfig(endpoint, accessKey, secretKey, bucket, DEFAULT_REGION, DEFAULT_MAX_OBJECT_BYTES);
    }

    public S3StoreConfig withMaxObjectBytes(long max) {
        return new S3StoreConfig(endpoint, accessKey, secretKey, bucket, region, max);
    }

    @Override
    public String toString() {
        return "S3StoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket="
                + bucket + ", region=" + region + ", maxObjectBytes=" + maxObjectBytes + "]";
    }
}
