package org.slime4j.core.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.WeightStore;

/**
 * {@code torch.nn.Conv2d} with bias, square kernel, weights {@code prefix.weight [out, in, k, k]}.
 *
 * <p>Measured here (libtorch 2.7.1 CPU, oneDNN, AVX-512): with a batch of two or more, a convolution whose channel
 * counts are not multiples of 16 computes WRONG outputs (more than 16 input channels) and wrong or NaN input
 * gradients (output channels not a multiple of 16, e.g. the UNet's {@code conv_out} to 4 latent channels), while a
 * batch of one is right. Such convolutions therefore run one batch item at a time; all others (every inner
 * Stable Diffusion convolution) run batched.
 */
public final class Conv2d {
    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;
    private final boolean batchUnsafe;

    public Conv2d(WeightStore w, String prefix, int in, int out, int kernel, int stride, int padding) {
        this.weight = w.get(prefix + ".weight", out, in, kernel, kernel);
        this.bias = w.get(prefix + ".bias", out);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.batchUnsafe = in % 16 != 0 || out % 16 != 0;
    }

    /** [N, in, H, W] -> [N, out, H', W']. */
    public NDArray forward(NDArray x) {
        long n = x.getShape().get(0);
        if (!batchUnsafe || n == 1 || !x.getDevice().equals(Device.cpu())) {
            return conv(x);
        }
        NDList items = new NDList();
        try (NDList split = x.split(n, 0)) {
            for (NDArray item : split) {
                items.add(conv(item));                                           // [1, out, H', W']
            }
            return NDArrays.concat(items, 0);                                    // [N, out, H', W']
        } finally {
            items.close();
        }
    }

    private NDArray conv(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding).singletonOrThrow();
    }
}
