package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/** diffusers {@code Upsample2D} with a convolution: nearest-neighbour ×2 (to the skip's size), then 3×3. */
final class Upsample2D {
    private final Conv2d conv;

    public Upsample2D(WeightStore w, String prefix, int channels) {
        this.conv = new Conv2d(w, prefix + ".conv", channels, channels, 3, 1, 1);
    }

    /** [N, C, H, W] -> [N, C, h, w] with h = 2H, w = 2W unless the next skip connection is one smaller. */
    public NDArray forward(NDArray x, long h, long w) {
        try (NDArray up = Nn.upsampleNearest(x, h, w)) {                         // [N, C, h, w]
            return conv.forward(up);
        }
    }
}
