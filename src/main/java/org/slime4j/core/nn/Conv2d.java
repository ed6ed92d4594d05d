package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.WeightStore;

/** {@code torch.nn.Conv2d} with bias, square kernel, weights {@code prefix.weight [out, in, k, k]}. */
public final class Conv2d {
    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;

    public Conv2d(WeightStore w, String prefix, int in, int out, int kernel, int stride, int padding) {
        this.weight = w.get(prefix + ".weight", out, in, kernel, kernel);
        this.bias = w.get(prefix + ".bias", out);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    /** [N, in, H, W] -> [N, out, H', W']. */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding).singletonOrThrow();
    }
}
