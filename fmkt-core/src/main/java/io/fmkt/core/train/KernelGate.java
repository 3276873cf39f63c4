package io.fmkt.core.train;

import io.fmkt.core.config.ExperimentConfig;
import io.fmkt.core.model.CifarResNet18;
import io.fmkt.core.numerics.Convolutions;
import io.fmkt.core.numerics.KernelCheck;

/**
 * The kernel check a process passes before it computes a run: the run's model at its width, with the
 * convolutions this process uses for it, at the run's training batch (local training and fusion)
 * and the evaluation batch. Checked once per process for each such setting.
 */
public final class KernelGate {
    private KernelGate() {
    }

    /** @throws KernelCheck.FailedException if the kernels give wrong answers: the run is refused */
    public static KernelCheck.Report require(ExperimentConfig c) {
        return require(c.width(), c.training().batchSize());
    }

    /** As above, for a model of {@code width} trained at {@code trainBatch}. */
    public static KernelCheck.Report require(int width, int trainBatch) {
        return KernelCheck.require(Convolutions.forWidth(width), CifarResNet18.convolutions(width), trainBatch,
                Evaluator.DEFAULT_BATCH);
    }
}
