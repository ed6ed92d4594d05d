package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.WeightStore;

/**
 * {@code torch.nn.GroupNorm(groups, channels, eps)} with affine weights. DJL has no group norm; it is composed here
 * from the biased per-group mean and variance, as PyTorch defines it.
 */
public final class GroupNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray eps;
    private final int groups;

    public GroupNorm(WeightStore w, String prefix, int groups, int channels, double eps) {
        this.weight = w.get(prefix + ".weight", channels).reshape(1, channels, 1, 1);
        this.bias = w.get(prefix + ".bias", channels).reshape(1, channels, 1, 1);
        this.eps = Nn.constant(w.manager(), eps);
        this.groups = groups;
    }

    /** [N, C, H, W] -> [N, C, H, W]. */
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        try (NDArray g = x.reshape(shape.get(0), groups, -1);                    // [N, G, C/G*H*W]
             NDArray mean = g.mean(new int[] {2}, true);                         // [N, G, 1]
             NDArray centred = g.sub(mean);                                      // [N, G, C/G*H*W]
             NDArray squares = centred.square();
             NDArray variance = squares.mean(new int[] {2}, true);               // [N, G, 1]
             NDArray shifted = variance.add(eps);
             NDArray std = shifted.sqrt();
             NDArray normed = centred.div(std);
             NDArray back = normed.reshape(shape);                               // [N, C, H, W]
             NDArray scaled = back.mul(weight)) {
            return scaled.add(bias);
        }
    }
}
