package io.fmkt.core.config;

/**
 * How a client trains: its local update, and the optimiser settings a fusion shares with it (the
 * batch size, momentum, weight decay, clip and augmentation; a fusion has its own epochs and
 * learning rate in {@link FusionConfig}).
 *
 * @param epochs       local epochs per update
 * @param maxGradNorm  gradient-norm clip for local training and fusion (0 = off)
 * @param augment      random crop + flip, in local training and fusion
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, double momentum, double weightDecay,
        double maxGradNorm, boolean augment) {

    public TrainingConfig {
        Problems bad = new Problems();
        if (epochs < 0) {
            bad.add("local epochs must be >= 0, got " + epochs);
        }
        int b = batchSize;
        bad.check(() -> checkBatchSize(b));
        double lr = learningRate;
        double mu = momentum;
        double wd = weightDecay;
        double clip = maxGradNorm;
        bad.check(() -> new SgdSettings(lr, mu, wd, clip));
        bad.throwIfAny("");
    }

    /** The local update's optimiser. */
    public SgdSettings sgd() {
        return sgd(learningRate);
    }

    /** This optimiser with another learning rate (a fusion's). */
    public SgdSettings sgd(double rate) {
        return new SgdSettings(rate, momentum, weightDecay, maxGradNorm);
    }

    public static void checkBatchSize(int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be >= 2 (BatchNorm), got " + batchSize);
        }
    }
}
