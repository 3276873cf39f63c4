package io.fmkt.core.loss;

import ai.djl.ndarray.NDArray;
import io.fmkt.core.model.StageOutputs;
import io.fmkt.core.model.StageSelection;

/**
 * The FM-kt objective for model a distilling from its peer b (b's outputs detached):
 * {@code L_a = CE(y, z_a) + alpha * KD_T(z_a, z_b) + beta * sum_{l in layers} w_l * MSE(n(F_a^l), n(F_b^l))}.
 * The composer only chooses taps and weights; each term is its own loss class.
 */
public final class FmktLoss {
    private final double alpha;
    private final double beta;
    private final LogitKd kd;
    private final FeatureMapMse fm;
    private final StageSelection layers;
    private final double[] layerWeights;

    /**
     * @param layerWeights w_1..w_4, one per ResNet stage (only the selected ones are used)
     */
    public FmktLoss(double alpha, double temperature, double beta, StageSelection layers, double[] layerWeights,
            FeatureNorm norm) {
        if (layerWeights.length != 4) {
            throw new IllegalArgumentException("need one layer weight per stage (4), got " + layerWeights.length);
        }
        this.alpha = alpha;
        this.beta = beta;
        this.kd = new LogitKd(temperature);
        this.fm = new FeatureMapMse(norm);
        this.layers = layers;
        this.layerWeights = layerWeights.clone();
    }

    /** The terms of one batch; {@code fm[i]} belongs to {@code layers.stages()[i]}, unweighted. */
    public record Terms(NDArray total, NDArray ce, NDArray kd, NDArray[] fm) {
    }

    public Terms compute(StageOutputs student, StageOutputs peer, NDArray labels) {
        NDArray ce = CrossEntropy.loss(student.logits(), labels);
        NDArray kdTerm = kd.loss(student.logits(), peer.logits());
        NDArray total = ce.add(kdTerm.mul((float) alpha));
        int[] stages = layers.stages();
        NDArray[] fmTerms = new NDArray[stages.length];
        for (int i = 0; i < stages.length; i++) {
            int l = stages[i];
            fmTerms[i] = fm.loss(student.stage(l), peer.stage(l));
            total = total.add(fmTerms[i].mul((float) (beta * layerWeights[l - 1])));
        }
        return new Terms(total, ce, kdTerm, fmTerms);
    }

    /**
     * Both directions of mutual distillation at once. {@code objective} is what to back-propagate:
     * it has the gradients of {@code L_a + L_b} (each with its peer detached) for both models, but
     * computes each feature-map term once: with the peer detached, d/dF_a of MSE(n(F_a), n(F_b))
     * plus d/dF_b of MSE(n(F_b), n(F_a)) is exactly the gradient of one undetached
     * MSE(n(F_a), n(F_b)). The logit terms are not symmetric (KL) and stay per direction.
     * {@code a} and {@code b} hold each direction's values (their totals are values, not graphs
     * to back-propagate).
     */
    public record Mutual(NDArray objective, Terms a, Terms b) {
    }

    public Mutual computeMutual(StageOutputs a, StageOutputs b, NDArray labels) {
        StageOutputs aDetached = a.detached();
        StageOutputs bDetached = b.detached();
        NDArray ceA = CrossEntropy.loss(a.logits(), labels);
        NDArray ceB = CrossEntropy.loss(b.logits(), labels);
        NDArray kdA = kd.loss(a.logits(), bDetached.logits());
        NDArray kdB = kd.loss(b.logits(), aDetached.logits());
        NDArray logitA = ceA.add(kdA.mul((float) alpha));
        NDArray logitB = ceB.add(kdB.mul((float) alpha));
        int[] stages = layers.stages();
        NDArray[] fmTerms = new NDArray[stages.length];
        NDArray fmSum = null;
        for (int i = 0; i < stages.length; i++) {
            int l = stages[i];
            fmTerms[i] = fm.loss(a.stage(l), b.stage(l));
            NDArray weighted = fmTerms[i].mul((float) (beta * layerWeights[l - 1]));
            fmSum = fmSum == null ? weighted : fmSum.add(weighted);
        }
        NDArray objective = logitA.add(logitB);
        NDArray totalA = logitA;
        NDArray totalB = logitB;
        if (fmSum != null) {
            objective = objective.add(fmSum);
            totalA = logitA.add(fmSum);
            totalB = logitB.add(fmSum);
        }
        return new Mutual(objective, new Terms(totalA, ceA, kdA, fmTerms), new Terms(totalB, ceB, kdB, fmTerms));
    }

    public StageSelection layers() {
        return layers;
    }
}
