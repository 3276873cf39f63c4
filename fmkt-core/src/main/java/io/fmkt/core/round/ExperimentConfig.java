package io.fmkt.core.round;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that determines a DFL experiment's numbers. Flat and JSON-friendly: the simulator
 * writes it as {@code config.json}, and the services will carry it in {@code RunStarted} so the log
 * alone can replay a run.
 *
 * @param data            {@code synthetic} or a path to a CIFAR-10 binary directory or tar.gz
 * @param partition       {@code segment:k}, {@code dirichlet:alpha} or {@code iid}
 * @param perClientCap    at most this many training images per client (0 = no cap)
 * @param testCap         evaluate on the first this many test images (0 = all)
 * @param layers          {@code none}, {@code all} or stages like {@code 1,3}
 * @param layerWeights    w_1..w_4
 * @param norm            {@code none}, {@code l2} or {@code attention}
 * @param keep            {@code received}, {@code own} or {@code best}
 * @param maxGradNorm     gradient-norm clip for local training and fusion (0 = off)
 * @param syntheticTrainPerBatch, syntheticTest sizes of generated data when {@code data = synthetic}
 */
public record ExperimentConfig(
        String data, int clients, int pairs, int rounds, String partition, int perClientCap, int testCap,
        int width, long seed,
        int localEpochs, int fusionEpochs, int batchSize, double learningRate, double fusionLearningRate,
        double momentum, double weightDecay, double maxGradNorm, boolean augment,
        String layers, double[] layerWeights, String norm, double temperature, double alpha, double beta,
        String keep, double holdoutFraction, int probeImages,
        int syntheticTrainPerBatch, int syntheticTest) {

    public static final String SYNTHETIC = "synthetic";

    public ExperimentConfig {
        layerWeights = layerWeights.clone();
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
        if (batchSize < 2) {
            bad.add("batch size must be >= 2, got " + batchSize);
        }
        if (!(temperature > 0)) {
            bad.add("temperature must be > 0, got " + temperature);
        }
        if (probeImages < 1) {
            bad.add("probe images must be >= 1, got " + probeImages);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid experiment config: " + String.join("; ", bad));
        }
    }

    public boolean synthetic() {
        return SYNTHETIC.equals(data);
    }

    /** The same experiment reading its data from {@code path}. */
    public ExperimentConfig withData(String path) {
        return new ExperimentConfig(path, clients, pairs, rounds, partition, perClientCap, testCap, width, seed,
                localEpochs, fusionEpochs, batchSize, learningRate, fusionLearningRate, momentum, weightDecay,
                maxGradNorm, augment, layers, layerWeights, norm, temperature, alpha, beta, keep, holdoutFraction,
                probeImages, syntheticTrainPerBatch, syntheticTest);
    }

    /** The same experiment with other fusion settings (a counterfactual replay's overrides). */
    public ExperimentConfig withFusion(String layers, double beta, double temperature, String keep, String norm) {
        return new ExperimentConfig(data, clients, pairs, rounds, partition, perClientCap, testCap, width, seed,
                localEpochs, fusionEpochs, batchSize, learningRate, fusionLearningRate, momentum, weightDecay,
                maxGradNorm, augment, layers, layerWeights, norm, temperature, alpha, beta, keep, holdoutFraction,
                probeImages, syntheticTrainPerBatch, syntheticTest);
    }

    /** The defaults the CLI starts from (DESIGN.md's T = 3, alpha = 1, beta = 1, w_l = 1). */
    public static ExperimentConfig defaults() {
        return new ExperimentConfig(SYNTHETIC, 4, 1, 3, "segment:8", 0, 0, 4, 1,
                1, 1, 64, 0.05, 0.05, 0.9, 5e-4, 5.0, true,
                "3", new double[] {1, 1, 1, 1}, "none", 3, 1, 1,
                "received", 0.1, 32, 400, 1000);
    }
}
