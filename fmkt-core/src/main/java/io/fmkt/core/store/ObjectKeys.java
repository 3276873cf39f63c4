package io.fmkt.core.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fmkt.core.codec.Digests;

/**
 * Immutable, content-addressed keys: {@code runs/{runId}/{models|features}/{sha256}.{fmktw|fmktf}}.
 * The digest in the key means a key never names two different contents, so writers can skip an
 * upload that already exists and readers can cache by key.
 */
public final class ObjectKeys {
    /** No '/', no "..", nothing a shell or S3 console would misread; short enough for any store. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CONTENT_KEY =
            Pattern.compile("runs/([A-Za-z0-9._-]{1,64})/(models|features)/([0-9a-f]{64})\\.(fmktw|fmktf)");

    private ObjectKeys() {
    }

    public static String model(String runId, String sha256Hex) {
        return key(runId, ObjectKind.MODEL, sha256Hex);
    }

    public static String features(String runId, String sha256Hex) {
        return key(runId, ObjectKind.FEATURES, sha256Hex);
    }

    /** The key for {@code content} of the given kind (hashes the content). */
    public static String forContent(String runId, ObjectKind kind, byte[] content) {
        return key(runId, kind, Digests.sha256Hex(content));
    }

    public static String key(String runId, ObjectKind kind, String sha256Hex) {
        validateRunId(runId);
        if (sha256Hex == null || !ObjectRef.SHA256_HEX.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: '" + sha256Hex + "'");
        }
        return "runs/" + runId + "/" + kind.folder() + "/" + sha256Hex + "." + kind.extension();
    }

    /** Returns the run id unchanged, or throws naming the bad id. */
    public static String validateRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches() || runId.equals(".") || runId.equals("..")) {
            throw new IllegalArgumentException("invalid run id '" + runId
                    + "': use 1..64 characters from [A-Za-z0-9._-] (no path characters)");
        }
        return runId;
    }

    /** The digest a content-addressed key promises, or null for any other key. */
    public static String digestOf(String key) {
        Matcher m = CONTENT_KEY.matcher(key);
        if (!m.matches() || !m.group(4).equals(kindOf(m.group(2)).extension())) {
            return null;
        }
        return m.group(3);
    }

    private static ObjectKind kindOf(String folder) {
        return folder.equals(ObjectKind.MODEL.folder()) ? ObjectKind.MODEL : ObjectKind.FEATURES;
    }
}
