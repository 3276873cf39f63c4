package io.fmkt.core.admission;

import io.fmkt.core.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Explicit bounds on what one run may ask for, checked against its config before anything is
 * allocated for it: by every service when a run arrives (a violation is dead-lettered as
 * {@code LIMIT_EXCEEDED}), and by the CLI before it submits, in the same words. Each bound names the
 * service setting ({@code fmkt.limits.*}) that raises it.
 *
 * @param clients            clients in one run
 * @param clientsPerInstance clients one client-service instance hosts for one run
 * @param width              ResNet-18 width multiplier
 * @param rounds             rounds
 * @param epochs             local and fusion epochs, each
 * @param batchSize          batch size
 * @param probeImages        probe images of a feature snapshot
 * @param imagesPerClient    training images of one client (the cap, or its share of the data)
 * @param syntheticImages    generated images of a synthetic run, training and test together
 * @param memoryBytes        what a service may hold for one step's models (see {@link #memoryEstimate})
 */
public record RunLimits(int clients, int clientsPerInstance, int width, int rounds, int epochs, int batchSize,
        int probeImages, int imagesPerClient, int syntheticImages, long memoryBytes) {

    /** Roomy for the paper's scale (width 64, tens of clients) on one machine, far below an out-of-memory. */
    public static final RunLimits DEFAULTS = new RunLimits(1024, 64, 128, 10_000, 100, 1024, 1024, 50_000, 200_000,
            8L << 30);
    /** The number of CIFAR-10 training images: a run's data cannot hold more. */
    private static final int CIFAR_TRAIN = 50_000;
    /**
     * Model-sized tensors one step holds: a fusion's two models, their gradients and SGD momenta. No
     * service holds more: a client's model lives in S3 between its steps (content-addressed, loaded
     * when the client trains or fuses), so memory does not grow with the clients a service hosts.
     */
    static final int MODELS_PER_STEP = 6;

    /** One exceeded bound, in words that name the field, its value, the limit and the key raising it. */
    public record Violation(String field, String value, String limit, String key) {
        public String message() {
            return "LIMIT_EXCEEDED: " + field + " = " + value + " exceeds the limit " + limit + " (raise it with "
                    + key + ")";
        }
    }

    /**
     * The defaults, with each bound raised or lowered by its service setting given as an environment
     * variable ({@code FMKT_LIMITS_CLIENTS} for {@code fmkt.limits.clients}, ...): the CLI then checks
     * what the local services it starts (which inherit that environment) will check.
     */
    public static RunLimits fromEnvironment(java.util.Map<String, String> env) {
        RunLimits d = DEFAULTS;
        return new RunLimits(intOf(env, "clients", d.clients), intOf(env, "clients-per-instance", d.clientsPerInstance),
                intOf(env, "width", d.width), intOf(env, "rounds", d.rounds), intOf(env, "epochs", d.epochs),
                intOf(env, "batch-size", d.batchSize), intOf(env, "probe-images", d.probeImages),
                intOf(env, "images-per-client", d.imagesPerClient), intOf(env, "synthetic-images", d.syntheticImages),
                numberOf(env, "memory-bytes", d.memoryBytes, Long.MAX_VALUE));
    }

    private static int intOf(java.util.Map<String, String> env, String key, int fallback) {
        return (int) numberOf(env, key, fallback, Integer.MAX_VALUE);
    }

    private static long numberOf(java.util.Map<String, String> env, String key, long fallback, long max) {
        String v = env.get(envName(key));
        try {
            long n = v == null ? fallback : Long.parseLong(v.trim());
            if (n < 0 || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(envName(key) + " must be a whole number in 0.." + max + ", got '" + v + "'");
        }
    }

    /** {@code clients-per-instance} -> {@code FMKT_LIMITS_CLIENTS_PER_INSTANCE}, as Quarkus maps keys to the environment. */
    static String envName(String key) {
        return "FMKT_LIMITS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Every bound {@code c} exceeds, cheapest first; empty when the run is admitted. */
    public List<Violation> check(ExperimentConfig c) {
        List<Violation> v = new ArrayList<>();
        bound(v, "config.data.clients", c.data().clients(), clients, "clients");
        bound(v, "config.width", c.width(), width, "width");
        bound(v, "config.schedule.rounds", c.schedule().rounds(), rounds, "rounds");
        bound(v, "config.training.epochs", c.training().epochs(), epochs, "epochs");
        bound(v, "config.fusion.epochs", c.fusion().epochs(), epochs, "epochs");
        bound(v, "config.training.batchSize", c.training().batchSize(), batchSize, "batch-size");
        bound(v, "config.data.probeImages", c.data().probeImages(), probeImages, "probe-images");
        long total = c.synthetic() ? 5L * c.data().syntheticTrainPerBatch() : CIFAR_TRAIN;
        long perClient = c.data().perClientCap() > 0 ? Math.min(c.data().perClientCap(), total) : total / Math.max(1,
                c.data().clients());
        bound(v, "config.data.perClientCap", perClient, imagesPerClient, "images-per-client");
        if (c.synthetic()) {
            bound(v, "config.data.syntheticTrainPerBatch", 5L * c.data().syntheticTrainPerBatch() + c.data().syntheticTest(),
                    syntheticImages,
                    "synthetic-images");
        }
        if (v.isEmpty()) {
            double need = memoryEstimate(c);
            if (need > memoryBytes) {
                v.add(new Violation("memory", String.format(Locale.ROOT, "%.0f MiB (%d model-sized tensors of width"
                        + " %d)", need / (1 << 20), MODELS_PER_STEP, c.width()), (memoryBytes >> 20) + " MiB",
                        "fmkt.limits.memory-bytes"));
            }
        }
        return v;
    }

    /** A client-service instance hosting {@code hosted} clients of one run. */
    public List<Violation> checkHosted(int hosted) {
        List<Violation> v = new ArrayList<>();
        bound(v, "hostedClients (this instance)", hosted, clientsPerInstance, "clients-per-instance");
        return v;
    }

    /** Throws {@link IllegalArgumentException} with every violation's message, for the CLI. */
    public void require(ExperimentConfig c) {
        List<Violation> v = check(c);
        if (!v.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", v.stream().map(Violation::message).toList()));
        }
    }

    /** Bytes of model-sized tensors a service holds for one step of the run ({@link #MODELS_PER_STEP}). */
    public double memoryEstimate(ExperimentConfig c) {
        return (double) modelBytes(c.width()) * MODELS_PER_STEP;
    }

    /**
     * Bytes of one CIFAR ResNet-18 of width w as float32, BatchNorm running statistics included:
     * 2724 w^2 + 407 w + 10 values (11,183,562 at w = 64; {@code RunLimitsTest} checks the formula
     * against built models).
     */
    public static long modelBytes(int width) {
        long w = width;
        return 4 * (2724 * w * w + 407 * w + 10);
    }

    /** @param field the JSON path of the bounded setting in a run's start record (or what else is bounded) */
    private static void bound(List<Violation> v, String field, long value, long limit, String key) {
        if (value > limit) {
            v.add(new Violation(field, Long.toString(value), Long.toString(limit), "fmkt.limits." + key));
        }
    }
}
