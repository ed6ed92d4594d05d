package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.slime4j.core.weights.Owned;
import ai.djl.nn.Activation;

/**
 * Small functional helpers shared by the blocks.
 *
 * <p>Constants are NDArrays owned by libtorch: DJL's scalar overloads ({@code x.mul(3f)}) wrap the number in a
 * temporary array that is freed while autograd may still hold it, which corrupts gradients. Blocks create their
 * constants once, with {@link #constant}, in the long-lived weights manager.
 */
public final class Nn {
    private Nn() {
    }

    /** A 0-d fp32 constant owned by libtorch (not aliasing a Java buffer). */
    public static NDArray constant(NDManager manager, double value) {
        return Owned.copy(manager.create((float) value));
    }

    /** {@code F.silu(x) = x * sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        try (NDArray s = Activation.sigmoid(x)) {
            return x.mul(s);
        }
    }

    /** Nearest-neighbour upsampling by 2 cropped to {@code h × w}, = {@code F.interpolate(mode="nearest")}. */
    public static NDArray upsampleNearest(NDArray x, long h, long w) {
        NDArray rows = x.repeat(2, 2);                                          // [N, C, 2H, W]
        NDArray both = rows.repeat(3, 2);                                       // [N, C, 2H, 2W]
        rows.close();
        if (both.getShape().get(2) == h && both.getShape().get(3) == w) {
            return both;
        }
        NDArray cropped = both.get(":, :, :" + h + ", :" + w);
        both.close();
        return cropped;
    }
}
