package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.weights.WeightStore;

/**
 * {@code torch.nn.Linear}: {@code prefix.weight [out, in]}, optional {@code prefix.bias [out]}. Computes what
 * libtorch's {@code torch::nn::functional::linear} (DJL's {@code Linear.linear}) computes, operation for operation,
 * with the transposed weight made once: a [N, in] input with a bias goes to {@code addmm}, any other input is
 * {@code x · wᵀ (+= b)}. The transposed view shares the weight's storage.
 */
public final class Linear {
    private final NDArray weight;
    private final NDArray weightT;
    private final NDArray bias;

    public Linear(WeightStore w, String prefix, int in, int out, boolean hasBias) {
        this.weight = w.get(prefix + ".weight", out, in);
        this.weightT = weight.transpose();                                       // [in, out], a view
        ai.djl.ndarray.NDScope.unregister(weightT);                              // lives as long as the weight
        this.bias = hasBias ? w.get(prefix + ".bias", out) : null;
    }

    /** [..., in] -> [..., out]. */
    public NDArray forward(NDArray x) {
        if (bias != null && x.getShape().dimension() == 2) {
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();  // addmm
        }
        NDArray y = x.matMul(weightT);                                           // [..., out]
        return bias == null ? y : y.addi(bias);
    }
}
