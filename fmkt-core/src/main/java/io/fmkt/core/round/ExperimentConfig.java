package io.fmkt.core.round;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fmkt.core.loss.FmktLoss;
import io.fmkt.core.loss.LogitKd;
import io.fmkt.core.numerics.Numerics;
import io.fmkt.core.train.BatchStream;
import io.fmkt.core.train.Fusion;
import io.fmkt.core.train.MutualDistillation;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that determines a DFL experiment's numbers. Flat and JSON-friendly: the simulator
 * writes it as {@code config.json}, and the services carry it in {@code RunStarted} so the log
 * alone can replay a run.
 *
 * @param data            {@code synthetic}; or, on the services, a dataset name in each service's data
 *                        root ({@link io.fmkt.core.data.DataRoot}); or, in-process, a path to a CIFAR-10
 *                        binary directory or tar.gz
 * @param partition       {@code segment:k}, {@code dirichlet:alpha} or {@code iid}
 * @param perClientCap    at most this many training images per client (0 = no cap)
 * @param testCap         evaluate on the first this many test images (0 = all)
 * @param layers          {@code none}, {@code all} or stages like {@code 1,3}
 * @param layerWeights    w_1..w_4
 * @param norm            {@code none}, {@code l2} or {@code attention}
 * @param keep            {@code received}, {@code own} or {@code best}
 * @param maxGradNorm     gradient-norm clip for local training and fusion (0 = off)
 * @param syntheticTrainPerBatch, syntheticTest sizes of generated data when {@code data = synthetic}
 * @param fusion          how a receiver fuses: {@code fmkt} (mutual distillation, the method) or
 *                        {@code average} (parameter averaging, the baseline); absent in older logs = fmkt
 * @param numerics        {@code native} (the machine's fastest kernels) or {@code portable} (the same
 *                        bits on any x86-64 with AVX2, see {@link Numerics}); absent in older logs = native
 * @param dataSha256      the dataset's digest ({@link io.fmkt.core.data.DataRoot}): required on the services,
 *                        checked in-process when given; absent (or {@code none}) for synthetic data
 */
public record ExperimentConfig(
        String data, int clients, int pairs, int rounds, String partition, int perClientCap, int testCap,
        int width, long seed,
        int localEpochs, int fusionEpochs, int batchSize, double learningRate, double fusionLearningRate,
        double momentum, double weightDecay, double maxGradNorm, boolean augment,
        String layers, double[] layerWeights, String norm, double temperature, double alpha, double beta,
        String keep, double holdoutFraction, int probeImages,
        int syntheticTrainPerBatch, int syntheticTest, @JsonProperty(defaultValue = "fmkt") String fusion,
        @JsonProperty(defaultValue = "native") String numerics,
        @JsonProperty(defaultValue = NO_DIGEST) @JsonInclude(JsonInclude.Include.NON_NULL) String dataSha256) {

    public static final String SYNTHETIC = "synthetic";
    private static final String NO_DIGEST = "none";

    public ExperimentConfig {
        layerWeights = layerWeights.clone();
        fusion = fusion == null ? MutualDistillation.NAME : Fusion.method(fusion).name();
        numerics = Numerics.parse(numerics).label();
        dataSha256 = NO_DIGEST.equals(dataSha256) ? null : dataSha256;
        List<String> bad = new ArrayList<>();
        if (clients < 2) {
            bad.add("clients must be >= 2, got " + clients);
        }
        if (pairs < 1 || 2 * pairs > clients) {
            bad.add("pairs must be in 1..clients/2 (" + clients / 2 + "), got " + pairs);
        }
        if (rounds < 1) {
            bad.add("rounds must be >= 1, got " + rounds);
        }
        if (width < 1) {
            bad.add("width must be >= 1, got " + width);
        }
        if (perClientCap < 0 || testCap < 0) {
            bad.add("caps must be >= 0 (0 = none), got per-client " + perClientCap + ", test " + testCap);
        }
        if (localEpochs < 0 || fusionEpochs < 0) {
            bad.add("epochs must be >= 0, got local " + localEpochs + ", fusion " + fusionEpochs);
        }
        collect(bad, () -> BatchStream.checkBatchSize(batchSize));
        collect(bad, () -> LogitKd.checkTemperature(temperature));
        double[] weights = layerWeights;
        collect(bad, () -> FmktLoss.checkWeights(alpha, beta, weights));
        if (probeImages < 1) {
            bad.add("probe images must be >= 1, got " + probeImages);
        }
        // Every named setting is parsed here, once, so a bad value is refused before anything starts
        // (by the CLI in both modes, by a service when the run arrives), never at the first fusion.
        String l = layers;
        String n = norm;
        String k = keep;
        String p = partition;
        collect(bad, () -> io.fmkt.core.model.StageSelection.parse(l));
        collect(bad, () -> io.fmkt.core.loss.FeatureNorm.parse(n));
        collect(bad, () -> io.fmkt.core.train.KeepPolicy.parse(k));
        collect(bad, () -> io.fmkt.core.data.Partitioners.parse(p));
        double lr = learningRate;
        double flr = fusionLearningRate;
        double mu = momentum;
        double wd = weightDecay;
        double clip = maxGradNorm;
        collect(bad, () -> new io.fmkt.core.train.SgdSettings(lr, mu, wd, clip));
        collect(bad, () -> new io.fmkt.core.train.SgdSettings(flr, mu, wd, clip));
        if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
            bad.add("holdout fraction must be in (0, 1), got " + holdoutFraction);
        }
        if (dataSha256 != null && (SYNTHETIC.equals(data) || !dataSha256.matches("[0-9a-f]{64}"))) {
            bad.add("dataSha256 must be 64 lowercase hex digits, and only given with a dataset, got '"
                    + (dataSha256.length() > 70 ? dataSha256.substring(0, 67) + "..." : dataSha256) + "'");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid experiment config: " + String.join("; ", bad));
        }
    }

    /** Adds the message of a shared check (the one the core applies again later) to {@code bad}. */
    private static void collect(List<String> bad, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            bad.add(e.getMessage());
        }
    }

    public boolean synthetic() {
        return SYNTHETIC.equals(data);
    }

    public Numerics numericsMode() {
        return Numerics.parse(numerics);
    }

    /** The same experiment reading its data from {@code path}, with no digest. */
    public ExperimentConfig withData(String path) {
        return toBuilder().data(path).dataSha256(null).build();
    }

    /** The same experiment on the dataset {@code name} with digest {@code sha256} (as services take it). */
    public ExperimentConfig withDataset(String name, String sha256) {
        return toBuilder().data(name).dataSha256(sha256).build();
    }

    /** The same experiment with other fusion settings (a counterfactual replay's overrides). */
    public ExperimentConfig withFusion(String layers, double beta, double temperature, String keep, String norm) {
        return toBuilder().layers(layers).beta(beta).temperature(temperature).keep(keep).norm(norm).build();
    }

    /** The defaults the CLI starts from (DESIGN.md's T = 3, alpha = 1, beta = 1, w_l = 1). */
    public static ExperimentConfig defaults() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.data = data; b.clients = clients; b.pairs = pairs; b.rounds = rounds; b.partition = partition;
        b.perClientCap = perClientCap; b.testCap = testCap; b.width = width; b.seed = seed;
        b.localEpochs = localEpochs; b.fusionEpochs = fusionEpochs; b.batchSize = batchSize;
        b.learningRate = learningRate; b.fusionLearningRate = fusionLearningRate; b.momentum = momentum;
        b.weightDecay = weightDecay; b.maxGradNorm = maxGradNorm; b.augment = augment; b.layers = layers;
        b.layerWeights = layerWeights.clone(); b.norm = norm; b.temperature = temperature; b.alpha = alpha;
        b.beta = beta; b.keep = keep; b.holdoutFraction = holdoutFraction; b.probeImages = probeImages;
        b.syntheticTrainPerBatch = syntheticTrainPerBatch; b.syntheticTest = syntheticTest; b.fusion = fusion;
        b.numerics = numerics; b.dataSha256 = dataSha256;
        return b;
    }

    /** Named setters over the defaults, so no caller passes 30 positional arguments. */
    public static final class Builder {
        private String data = SYNTHETIC;
        private int clients = 4;
        private int pairs = 1;
        private int rounds = 3;
        private String partition = "segment:8";
        private int perClientCap;
        private int testCap;
        private int width = 4;
        private long seed = 1;
        private int localEpochs = 1;
        private int fusionEpochs = 1;
        private int batchSize = 64;
        private double learningRate = 0.05;
        private double fusionLearningRate = 0.05;
        private double momentum = 0.9;
        private double weightDecay = 5e-4;
        private double maxGradNorm = 5.0;
        private boolean augment = true;
        private String layers = "3";
        private double[] layerWeights = {1, 1, 1, 1};
        private String norm = "none";
        private double temperature = 3;
        private double alpha = 1;
        private double beta = 1;
        private String keep = "received";
        private double holdoutFraction = 0.1;
        private int probeImages = 32;
        private int syntheticTrainPerBatch = 400;
        private int syntheticTest = 1000;
        private String fusion = MutualDistillation.NAME;
        private String numerics = Numerics.NATIVE.label();
        private String dataSha256;

        private Builder() {
        }

        public Builder data(String v) { data = v; return this; }
        public Builder clients(int v) { clients = v; return this; }
        public Builder pairs(int v) { pairs = v; return this; }
        public Builder rounds(int v) { rounds = v; return this; }
        public Builder partition(String v) { partition = v; return this; }
        public Builder perClientCap(int v) { perClientCap = v; return this; }
        public Builder testCap(int v) { testCap = v; return this; }
        public Builder width(int v) { width = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder localEpochs(int v) { localEpochs = v; return this; }
        public Builder fusionEpochs(int v) { fusionEpochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder fusionLearningRate(double v) { fusionLearningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder augment(boolean v) { augment = v; return this; }
        public Builder layers(String v) { layers = v; return this; }
        public Builder layerWeights(double[] v) { layerWeights = v.clone(); return this; }
        public Builder norm(String v) { norm = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder keep(String v) { keep = v; return this; }
        public Builder holdoutFraction(double v) { holdoutFraction = v; return this; }
        public Builder probeImages(int v) { probeImages = v; return this; }
        public Builder syntheticTrainPerBatch(int v) { syntheticTrainPerBatch = v; return this; }
        public Builder syntheticTest(int v) { syntheticTest = v; return this; }
        public Builder fusion(String v) { fusion = v; return this; }
        public Builder numerics(String v) { numerics = v; return this; }
        public Builder dataSha256(String v) { dataSha256 = v; return this; }

        public ExperimentConfig build() {
            return new ExperimentConfig(data, clients, pairs, rounds, partition, perClientCap, testCap, width, seed,
                    localEpochs, fusionEpochs, batchSize, learningRate, fusionLearningRate, momentum, weightDecay,
                    maxGradNorm, augment, layers, layerWeights, norm, temperature, alpha, beta, keep,
                    holdoutFraction, probeImages, syntheticTrainPerBatch, syntheticTest, fusion, numerics, dataSha256);
        }
    }
}
