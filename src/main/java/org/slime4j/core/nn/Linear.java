package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.weights.WeightStore;

/** {@code torch.nn.Linear}: {@code prefix.weight [out, in]}, optional {@code prefix.bias [out]}. */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias;

    public Linear(WeightStore w, String prefix, int in, int out, boolean hasBias) {
        this.weight = w.get(prefix + ".weight", out, in);
        this.bias = hasBias ? w.get(prefix + ".bias", out) : null;
    }

    /** [..., in] -> [..., out]. */
    public NDArray forward(NDArray x) {
        return bias == null
                ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
                : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
