package io.fmkt.core.loss;

import ai.djl.ndarray.NDArray;

/** The feature-map term of FM-kt: mean squared error over all elements of two (normalised) maps. */
public final class FeatureMapMse {
    private final FeatureNorm norm;

    public FeatureMapMse(FeatureNorm norm) {
        this.norm = norm;
    }

    /** @param fS the student's stage output @param fT the peer's, already detached */
    public NDArray loss(NDArray fS, NDArray fT) {
        if (!fS.getShape().equals(fT.getShape())) {
            throw new IllegalArgumentException("feature maps differ in shape: " + fS.getShape() + " vs " + fT.getShape());
        }
        return norm.apply(fS).sub(norm.apply(fT)).square().mean();
    }
}
