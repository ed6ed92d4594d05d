package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.WeightStore;

/** {@code torch.nn.LayerNorm(dim, eps)} over the last axis, with affine {@code weight}/{@code bias}. */
public final class LayerNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final Shape shape;
    private final float eps;

    public LayerNorm(WeightStore w, String prefix, int dim, double eps) {
        this.weight = w.getFloat32(prefix + ".weight", dim);
        this.bias = w.getFloat32(prefix + ".bias", dim);
        this.shape = new Shape(dim);
        this.eps = (float) eps;
    }

    /** [..., dim] -> [..., dim]. */
    public NDArray forward(NDArray x) {
        if (x.getDataType() != DataType.FLOAT32) {                               // fp16: normalise in fp32
            try (NDArray wide = x.toType(DataType.FLOAT32, false); NDArray y = forward(wide)) {
                return y.toType(x.getDataType(), false);
            }
        }
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, shape, weight, bias, eps).singletonOrThrow();
    }
}
