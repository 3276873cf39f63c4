package io.fmkt.stack;

/** An S3 access key and secret. {@link #toString()} never prints the secret. */
public record S3Credentials(String accessKey, String secretKey) {

    /** Fine for a stack that only listens on 127.0.0.1; pass real ones for anything shared. */
    public static final S3Credentials DEFAULT = new S3Credentials("fmkt", "fmkt-local-secret");

    public S3Credentials {
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("S3 access key must not be blank");
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("S3 secret key must not be blank");
        }
    }

    @Override
    public String toString() {
        return "S3Credentials[accessKey=" + accessKey + ", secretKey=***]";
    }
}
