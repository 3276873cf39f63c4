package io.fmkt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/** One forward pass: the logits and the outputs of ResNet stages 1..4 (the taps). */
public record StageOutputs(NDArray logits, List<NDArray> stages) {

    static StageOutputs of(NDList out) {
        return new StageOutputs(out.get(0), List.copyOf(out.subNDList(1)));
    }

    /** Stage {@code l} in 1..4, as the paper numbers them. */
    public NDArray stage(int l) {
        if (l < 1 || l > stages.size()) {
            throw new IllegalArgumentException("stage must be in 1.." + stages.size() + ", got " + l);
        }
        return stages.get(l - 1);
    }

    /** The same outputs cut off from the autograd graph: a peer's outputs in mutual distillation. */
    public StageOutputs detached() {
        return new StageOutputs(logits.stopGradient(), stages.stream().map(NDArray::stopGradient).toList());
    }
}
