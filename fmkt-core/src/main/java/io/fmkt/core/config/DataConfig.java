package io.fmkt.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fmkt.core.data.Partitioners;

/**
 * Which images the clients train and are evaluated on.
 *
 * @param name                   {@code synthetic}; or, on the services, a dataset name in each service's data
 *                               root ({@link io.fmkt.core.data.DataRoot}); or, in-process, a path to a CIFAR-10
 *                               binary directory or tar.gz
 * @param sha256                 the dataset's digest ({@link io.fmkt.core.data.DataRoot}): required on the
 *                               services, checked in-process when given; absent (or {@code none}) for synthetic data
 * @param clients                N, the number of clients the training set is split over
 * @param partition              {@code segment:k} (k classes per client), {@code dirichlet:alpha} or {@code iid}
 * @param perClientCap           at most this many training images per client (0 = no cap)
 * @param testCap                evaluate on the first this many test images (0 = all)
 * @param probeImages            test images in a model's feature snapshot
 * @param syntheticTrainPerBatch training images per generated batch file when {@code name = synthetic} (x5)
 * @param syntheticTest          generated test images when {@code name = synthetic}
 */
public record DataConfig(String name,
        @JsonProperty(defaultValue = DataConfig.NO_DIGEST) @JsonInclude(JsonInclude.Include.NON_NULL) String sha256,
        int clients, String partition, int perClientCap, int testCap, int probeImages, int syntheticTrainPerBatch,
        int syntheticTest) {

    public static final String SYNTHETIC = "synthetic";
    static final String NO_DIGEST = "none";

    public DataConfig {
        sha256 = NO_DIGEST.equals(sha256) ? null : sha256;
        Problems bad = new Problems();
        if (clients < 2) {
            bad.add("clients must be >= 2, got " + clients);
        }
        if (perClientCap < 0 || testCap < 0) {
            bad.add("caps must be >= 0 (0 = none), got per-client " + perClientCap + ", test " + testCap);
        }
        if (probeImages < 1) {
            bad.add("probe images must be >= 1, got " + probeImages);
        }
        String p = partition;
        bad.check(() -> Partitioners.parse(p));
        if (sha256 != null && (SYNTHETIC.equals(name) || !sha256.matches("[0-9a-f]{64}"))) {
            bad.add("dataSha256 must be 64 lowercase hex digits, and only given with a dataset, got '"
                    + (sha256.length() > 70 ? sha256.substring(0, 67) + "..." : sha256) + "'");
        }
        bad.throwIfAny("");
    }

    public boolean synthetic() {
        return SYNTHETIC.equals(name);
    }
}
