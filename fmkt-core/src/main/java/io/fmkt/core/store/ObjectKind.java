package io.fmkt.core.store;

/** The kinds of content-addressed objects a run stores, each with its folder and file extension. */
public enum ObjectKind {
    /** Serialized model weights ({@code .fmktw}). */
    MODEL("models", "fmktw"),
    /** A feature-map snapshot ({@code .fmktf}). */
    FEATURES("features", "fmktf");

    private final String folder;
    private final String extension;

    ObjectKind(String folder, String extension) {
        this.folder = folder;
        this.extension = extension;
    }

    public String folder() {
        return folder;
    }

    public String extension() {
        return extension;
    }
}
