package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers {@code Downsample2D} with a convolution: 3×3, stride 2. With {@code padding = 0} (the VAE encoder) the
 * input is first padded by one zero row and column at the bottom and right, as diffusers does.
 */
public final class Downsample2D {
    private static final Shape RIGHT_BOTTOM = new Shape(0, 1, 0, 1);
    private final Conv2d conv;
    private final int padding;

    public Downsample2D(WeightStore w, String prefix, int channels, int padding) {
        this.conv = new Conv2d(w, prefix + ".conv", channels, channels, 3, 2, padding);
        this.padding = padding;
    }

    /** [N, C, H, W] -> [N, C, ceil(H/2), ceil(W/2)]. */
    public NDArray forward(NDArray x) {
        if (padding != 0) {
            return conv.forward(x);
        }
        try (NDArray padded = x.pad(RIGHT_BOTTOM, 0)) {                          // [N, C, H+1, W+1]
            return conv.forward(padded);
        }
    }
}
