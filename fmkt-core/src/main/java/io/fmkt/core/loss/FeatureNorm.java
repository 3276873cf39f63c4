package io.fmkt.core.loss;

import io.fmkt.core.names.Labels;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.fmkt.core.numerics.Scalars;

/** How a stage's feature map is normalised before two maps are compared. */
public enum FeatureNorm {
    /** The raw map (FitNets-style hint without a regressor: the peers share one architecture). */
    NONE {
        @Override
        public NDArray apply(NDArray f) {
            return f;
        }
    },
    /** Per-sample L2 normalisation of the flattened map: compares directions, not magnitudes. */
    L2 {
        @Override
        public NDArray apply(NDArray f) {
            return l2Rows(f.reshape(f.getShape().get(0), -1));
        }
    },
    /**
     * Attention transfer (Zagoruyko and Komodakis 2017): the channel mean of squared activations,
     * flattened and L2-normalised per sample, so maps of any channel count compare spatially.
     */
    ATTENTION {
        @Override
        public NDArray apply(NDArray f) {
            NDArray a = f.square().mean(new int[] {1});
            return l2Rows(a.reshape(a.getShape().get(0), -1));
        }
    };

    public abstract NDArray apply(NDArray featureMap);

    /** As torch.nn.functional.normalize: x / max(||x||, eps) per row. */
    static NDArray l2Rows(NDArray x) {
        NDArray norm = x.square().sum(new int[] {1}, true).sqrt();
        return x.div(norm.maximum(Scalars.of(norm, 1e-12f)));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static FeatureNorm parse(String s) {
        return Labels.parse(FeatureNorm.class, s, "feature-map normalisation");
    }

    /** As written in the config and on the command line. */
    @JsonValue
    public String label() {
        return Labels.of(this);
    }
}
