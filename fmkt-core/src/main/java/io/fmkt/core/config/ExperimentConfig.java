package io.fmkt.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fmkt.core.loss.FeatureNorm;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Numerics;
import java.util.Objects;

/**
 * Everything that determines a DFL experiment's numbers, grouped by concern. The simulator writes
 * it as {@code config.json}, and the services carry it in {@code RunStarted} so the log alone can
 * replay a run. Logs and files written before the grouping (one flat object) still read
 * ({@link ConfigJson}).
 *
 * <p>A config is valid once it exists: every part checks itself when constructed, and
 * {@link Builder#build()} names every bad value at once, so the CLI refuses a bad setting in both
 * modes before anything starts, and a service when the run arrives, never at the first fusion.
 *
 * @param width    the ResNet-18 width multiplier (64 = standard)
 * @param numerics {@code native} (the machine's fastest kernels) or {@code portable} (the same bits on any
 *                 x86-64 with AVX2, see {@link Numerics}); absent in older logs = native
 */
@JsonDeserialize(using = ConfigJson.Reader.class)
public record ExperimentConfig(DataConfig data, int width, TrainingConfig training, FusionConfig fusion,
        ScheduleConfig schedule, @JsonProperty(defaultValue = "native") Numerics numerics) {

    private static final String INVALID = "invalid experiment config: ";
    /** The training batch of a config that names none. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    public ExperimentConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(schedule, "schedule");
        numerics = numerics == null ? Numerics.NATIVE : numerics;
        Problems bad = new Problems();
        checkAcrossParts(bad, width, data.clients(), schedule.pairs());
        bad.throwIfAny(INVALID);
    }

    /** The checks that need more than one part. */
    private static void checkAcrossParts(Problems bad, int width, int clients, int pairs) {
        if (pairs < 1 || 2 * pairs > clients) {
            bad.add("pairs must be in 1..clients/2 (" + clients / 2 + "), got " + pairs);
        }
        if (width < 1) {
            bad.add("width must be >= 1, got " + width);
        }
    }

    public boolean synthetic() {
        return data.synthetic();
    }

    /** The same experiment reading its data from {@code path}, with no digest. */
    public ExperimentConfig withData(String path) {
        return toBuilder().data(path).dataSha256(null).build();
    }

    /** The same experiment on the dataset {@code name} with digest {@code sha256} (as services take it). */
    public ExperimentConfig withDataset(String name, String sha256) {
        return toBuilder().data(name).dataSha256(sha256).build();
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
        b.data = data.name(); b.dataSha256 = data.sha256(); b.clients = data.clients();
        b.partition = data.partition(); b.perClientCap = data.perClientCap(); b.testCap = data.testCap();
        b.probeImages = data.probeImages(); b.syntheticTrainPerBatch = data.syntheticTrainPerBatch();
        b.syntheticTest = data.syntheticTest();
        b.width = width;
        b.localEpochs = training.epochs(); b.batchSize = training.batchSize();
        b.learningRate = training.learningRate(); b.momentum = training.momentum();
        b.weightDecay = training.weightDecay(); b.maxGradNorm = training.maxGradNorm(); b.augment = training.augment();
        b.fusion = fusion.method().label(); b.fusionEpochs = fusion.epochs();
        b.fusionLearningRate = fusion.learningRate(); b.layers = fusion.layers().toString();
        b.layerWeights = fusion.layerWeights(); b.norm = fusion.norm().label(); b.temperature = fusion.temperature();
        b.alpha = fusion.alpha(); b.beta = fusion.beta(); b.keep = fusion.keep().label();
        b.holdoutFraction = fusion.holdoutFraction();
        b.rounds = schedule.rounds(); b.pairs = schedule.pairs(); b.seed = schedule.seed();
        b.numerics = numerics.label();
        return b;
    }

    /**
     * Named setters over the defaults, one per setting, so no caller passes positional arguments.
     * Named settings may be given as the command line writes them ({@code layers("1,3")}); every one
     * is parsed and checked in {@link #build()}, which names all bad values in one exception.
     */
    public static final class Builder {
        private String data = DataConfig.SYNTHETIC;
        private String dataSha256;
        private int clients = 4;
        private String partition = "segment:8";
        private int perClientCap;
        private int testCap;
        private int probeImages = 32;
        private int syntheticTrainPerBatch = 400;
        private int syntheticTest = 1000;
        private int width = 4;
        private int localEpochs = 1;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double learningRate = 0.05;
        private double momentum = 0.9;
        private double weightDecay = 5e-4;
        private double maxGradNorm = 5.0;
        private boolean augment = true;
        private String fusion = FusionMethod.FMKT.label();
        private int fusionEpochs = 1;
        private double fusionLearningRate = 0.05;
        private String layers = "3";
        private double[] layerWeights = {1, 1, 1, 1};
        private String norm = FeatureNorm.NONE.label();
        private double temperature = 3;
        private double alpha = 1;
        private double beta = 1;
        private String keep = KeepPolicy.RECEIVED.label();
        private double holdoutFraction = 0.1;
        private int rounds = 3;
        private int pairs = 1;
        private long seed = 1;
        private String numerics = Numerics.NATIVE.label();

        private Builder() {
        }

        public Builder data(String v) { data = v; return this; }
        public Builder dataSha256(String v) { dataSha256 = v; return this; }
        public Builder clients(int v) { clients = v; return this; }
        public Builder partition(String v) { partition = v; return this; }
        public Builder perClientCap(int v) { perClientCap = v; return this; }
        public Builder testCap(int v) { testCap = v; return this; }
        public Builder probeImages(int v) { probeImages = v; return this; }
        public Builder syntheticTrainPerBatch(int v) { syntheticTrainPerBatch = v; return this; }
        public Builder syntheticTest(int v) { syntheticTest = v; return this; }
        public Builder width(int v) { width = v; return this; }
        public Builder localEpochs(int v) { localEpochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder augment(boolean v) { augment = v; return this; }
        public Builder fusion(String v) { fusion = v; return this; }
        public Builder fusion(FusionMethod v) { return fusion(v.label()); }
        public Builder fusionEpochs(int v) { fusionEpochs = v; return this; }
        public Builder fusionLearningRate(double v) { fusionLearningRate = v; return this; }
        public Builder layers(String v) { layers = v; return this; }
        public Builder layers(StageSelection v) { return layers(v.toString()); }
        public Builder layerWeights(double[] v) { layerWeights = v.clone(); return this; }
        public Builder norm(String v) { norm = v; return this; }
        public Builder norm(FeatureNorm v) { return norm(v.label()); }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder keep(String v) { keep = v; return this; }
        public Builder keep(KeepPolicy v) { return keep(v.label()); }
        public Builder holdoutFraction(double v) { holdoutFraction = v; return this; }
        public Builder rounds(int v) { rounds = v; return this; }
        public Builder pairs(int v) { pairs = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder numerics(String v) { numerics = v; return this; }
        public Builder numerics(Numerics v) { return numerics(v.label()); }

        /**
         * Parses every named setting and builds each part; a part that refuses its values adds
         * their messages, and the rest are still checked, so one exception names them all.
         */
        public ExperimentConfig build() {
            Problems bad = new Problems();
            FusionMethod method = bad.get(() -> FusionMethod.parse(fusion), FusionMethod.FMKT);
            StageSelection stages = bad.get(() -> StageSelection.parse(layers), StageSelection.NONE);
            FeatureNorm n = bad.get(() -> FeatureNorm.parse(norm), FeatureNorm.NONE);
            KeepPolicy k = bad.get(() -> KeepPolicy.parse(keep), KeepPolicy.RECEIVED);
            Numerics mode = bad.get(() -> Numerics.parse(numerics), Numerics.NATIVE);
            DataConfig d = bad.get(() -> new DataConfig(data, dataSha256, clients, partition, perClientCap, testCap,
                    probeImages, syntheticTrainPerBatch, syntheticTest), null);
            TrainingConfig t = bad.get(() -> new TrainingConfig(localEpochs, batchSize, learningRate, momentum,
                    weightDecay, maxGradNorm, augment), null);
            FusionConfig f = bad.get(() -> new FusionConfig(method, fusionEpochs, fusionLearningRate, stages,
                    layerWeights, n, temperature, alpha, beta, k, holdoutFraction), null);
            ScheduleConfig s = bad.get(() -> new ScheduleConfig(rounds, pairs, seed), null);
            checkAcrossParts(bad, width, clients, pairs);
            bad.throwIfAny(INVALID);
            return new ExperimentConfig(d, width, t, f, s, mode);
        }
    }
}
