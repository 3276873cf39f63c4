package io.fmkt.core.loss;

import ai.djl.ndarray.NDArray;
import io.fmkt.core.model.StageOutputs;
import io.fmkt.core.model.StageSelection;
import io.fmkt.core.numerics.Scalars;

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
        checkWeights(alpha, beta, layerWeights);
        this.alpha = alpha;
        this.beta = beta;
        this.kd = new LogitKd(temperature);
        this.fm = new FeatureMapMse(norm);
        this.layers = layers;
        this.layerWeights = layerWeights.clone();
    }

    /**
     * The one check of the weights: alpha and beta >= 0, and w_1..w_4 finite and >= 0. Settings that
     * build a loss later call it when they are built, so a bad weight is refused before any training.
     */
    public static void checkWeights(double alpha, double beta, double[] layerWeights) {
        if (!(alpha >= 0) || !(beta >= 0)) {
            throw new IllegalArgumentException("alpha and beta must be >= 0, got " + alpha + ", " + beta);
        }
        if (layerWeights.length != 4) {
            throw new IllegalArgumentException("need 4 layer weights (stages 1..4), got " + layerWeights.length);
        }
        for (double w : layerWeights) {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("layer weights must be finite and >= 0, got " + w);
            }
        }
    }

    /** The terms of one batch; {@code fm[i]} belongs to {@code layers.stages()[i]}, unweighted. */
    public record Terms(NDArray total, NDArray ce, NDArray kd, NDArray[] fm) {
    }

    /**
     * One direction, {@code L_student}; the caller detaches {@code peer}. The simple reference that
     * {@link #computeMutual} is tested against.
     */
    public Terms compute(StageOutputs student, StageOutputs peer, NDArray labels) {
        Logit logit = logit(student, peer, labels);
        Features f = features(student, peer);
        return new Terms(plus(logit.total(), f.weightedSum()), logit.ce(), logit.kd(), f.terms());
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
        Logit la = logit(a, b.detached(), labels);
        Logit lb = logit(b, a.detached(), labels);
        Features f = features(a, b);
        return new Mutual(plus(la.total().add(lb.total()), f.weightedSum()),
                new Terms(plus(la.total(), f.weightedSum()), la.ce(), la.kd(), f.terms()),
                new Terms(plus(lb.total(), f.weightedSum()), lb.ce(), lb.kd(), f.terms()));
    }

    /** {@code CE + alpha * KD} of one direction, with its two terms. */
    private record Logit(NDArray total, NDArray ce, NDArray kd) {
    }

    private Logit logit(StageOutputs student, StageOutputs peer, NDArray labels) {
        NDArray ce = CrossEntropy.loss(student.logits(), labels);
        NDArray kdTerm = kd.loss(student.logits(), peer.logits());
        return new Logit(ce.add(kdTerm.mul(Scalars.of(kdTerm, (float) alpha))), ce, kdTerm);
    }

    /**
     * The stage loop, the only one: each selected stage's unweighted term, and
     * {@code sum_l beta * w_l * term_l} (null when no stage is selected).
     */
    private record Features(NDArray[] terms, NDArray weightedSum) {
    }

    private Features features(StageOutputs a, StageOutputs b) {
        int[] stages = layers.stages();
        NDArray[] terms = new NDArray[stages.length];
        NDArray sum = null;
        for (int i = 0; i < stages.length; i++) {
            int l = stages[i];
            terms[i] = fm.loss(a.stage(l), b.stage(l));
            NDArray weighted = terms[i].mul(Scalars.of(terms[i], (float) (beta * layerWeights[l - 1])));
            sum = sum == null ? weighted : sum.add(weighted);
        }
        return new Features(terms, sum);
    }

    private static NDArray plus(NDArray x, NDArray orNull) {
        return orNull == null ? x : x.add(orNull);
    }

    public StageSelection layers() {
        return layers;
    }
}
