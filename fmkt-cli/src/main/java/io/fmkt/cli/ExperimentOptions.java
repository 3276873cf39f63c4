package io.fmkt.cli;

import io.fmkt.core.config.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * The options that define an experiment; shared by every command that starts one. Named settings stay
 * strings here: {@link ExperimentConfig.Builder#build()} parses and checks them all at once.
 */
public final class ExperimentOptions {
    private static final ExperimentConfig D = ExperimentConfig.defaults();

    @Option(names = "--data", description = "synthetic, or a CIFAR-10 binary directory or cifar-10-binary.tar.gz (default: ${DEFAULT-VALUE})")
    String data = D.data().name();
    @Option(names = "--clients", description = "number of clients N (default: ${DEFAULT-VALUE})")
    int clients = D.data().clients();
    @Option(names = "--pairs", description = "pairs per round Q, 2Q <= N (default: ${DEFAULT-VALUE})")
    int pairs = D.schedule().pairs();
    @Option(names = "--rounds", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds = D.schedule().rounds();
    @Option(names = "--partition", description = "segment:K | dirichlet:ALPHA | iid (default: ${DEFAULT-VALUE})")
    String partition = D.data().partition();
    @Option(names = "--per-client-cap", description = "at most this many training images per client, 0 = all (default: ${DEFAULT-VALUE})")
    int perClientCap = D.data().perClientCap();
    @Option(names = "--test-cap", description = "evaluate on the first N test images, 0 = all (default: ${DEFAULT-VALUE})")
    int testCap = D.data().testCap();
    @Option(names = "--width", description = "ResNet-18 width multiplier w (64 = standard) (default: ${DEFAULT-VALUE})")
    int width = D.width();
    @Option(names = "--seed", description = "run seed; every random choice derives from it (default: ${DEFAULT-VALUE})")
    long seed = D.schedule().seed();
    @Option(names = "--local-epochs", description = "local epochs per update (default: ${DEFAULT-VALUE})")
    int localEpochs = D.training().epochs();
    @Option(names = "--fusion-epochs", description = "mutual-distillation epochs per fusion (default: ${DEFAULT-VALUE})")
    int fusionEpochs = D.fusion().epochs();
    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = D.training().batchSize();
    @Option(names = "--lr", description = "local SGD learning rate (default: ${DEFAULT-VALUE})")
    double lr = D.training().learningRate();
    @Option(names = "--fusion-lr", description = "fusion SGD learning rate (default: ${DEFAULT-VALUE})")
    double fusionLr = D.fusion().learningRate();
    @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum = D.training().momentum();
    @Option(names = "--weight-decay", description = "SGD weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = D.training().weightDecay();
    @Option(names = "--clip", description = "gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE})")
    double clip = D.training().maxGradNorm();
    @Option(names = "--no-augment", description = "turn off random crop + flip")
    boolean noAugment;
    @Option(names = "--layers", description = "stages to distil: none | all | e.g. 3 or 1,3 (default: ${DEFAULT-VALUE})")
    String layers = D.fusion().layers().toString();
    @Option(names = "--layer-weights", split = ",", description = "w1,w2,w3,w4 (default: 1,1,1,1)")
    double[] layerWeights = D.fusion().layerWeights();
    @Option(names = "--norm", description = "feature-map normalisation: none | l2 | attention (default: ${DEFAULT-VALUE})")
    String norm = D.fusion().norm().label();
    @Option(names = {"-T", "--temperature"}, description = "KD temperature (default: ${DEFAULT-VALUE})")
    double temperature = D.fusion().temperature();
    @Option(names = "--alpha", description = "weight of the logit KD term (default: ${DEFAULT-VALUE})")
    double alpha = D.fusion().alpha();
    @Option(names = "--beta", description = "weight of the feature-map terms (default: ${DEFAULT-VALUE})")
    double beta = D.fusion().beta();
    @Option(names = "--keep", description = "received | own | best (default: ${DEFAULT-VALUE})")
    String keep = D.fusion().keep().label();
    @Option(names = "--holdout", description = "share of receiver data held out for --keep best (default: ${DEFAULT-VALUE})")
    double holdout = D.fusion().holdoutFraction();
    @Option(names = "--probe", description = "probe images for feature snapshots (default: ${DEFAULT-VALUE})")
    int probe = D.data().probeImages();
    @Option(names = "--fusion", description = "fmkt (mutual distillation) | average (parameter-averaging baseline) (default: ${DEFAULT-VALUE})")
    String fusion = D.fusion().method().label();
    @Option(names = "--numerics", description = "native (this machine's fastest kernels; numbers tied to the machine)"
            + " | portable (the same numbers on any x86-64 with AVX2: pinned kernels, 2 threads) (default: ${DEFAULT-VALUE})")
    String numerics = D.numerics().label();
    @Option(names = "--synthetic-train", description = "synthetic training images per batch file, x5 in all (default: ${DEFAULT-VALUE})")
    int syntheticTrain = D.data().syntheticTrainPerBatch();
    @Option(names = "--synthetic-test", description = "synthetic test images (default: ${DEFAULT-VALUE})")
    int syntheticTest = D.data().syntheticTest();

    public ExperimentConfig toConfig() {
        return ExperimentConfig.builder().data(data).clients(clients).pairs(pairs).rounds(rounds).partition(partition)
                .perClientCap(perClientCap).testCap(testCap).width(width).seed(seed).localEpochs(localEpochs)
                .fusionEpochs(fusionEpochs).batchSize(batch).learningRate(lr).fusionLearningRate(fusionLr)
                .momentum(momentum).weightDecay(weightDecay).maxGradNorm(clip).augment(!noAugment).layers(layers)
                .layerWeights(layerWeights).norm(norm).temperature(temperature).alpha(alpha).beta(beta).keep(keep)
                .holdoutFraction(holdout).probeImages(probe).syntheticTrainPerBatch(syntheticTrain)
                .syntheticTest(syntheticTest).fusion(fusion).numerics(numerics).build();
    }
}
