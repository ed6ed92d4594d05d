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

    /**
     * Runs a block's forward in a DJL {@code NDScope}: every array it creates is freed when it returns, except the one
     * it returns (and arrays handed on with {@code NDScope.unregister}, such as captured attention scores). Lets a
     * forward read like diffusers' while its intermediates are still freed per block (see the memory policy in
     * {@link org.slime4j.core}).
     */
    public static NDArray scoped(java.util.function.Supplier<NDArray> forward) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            NDArray out = forward.get();
            ai.djl.ndarray.NDScope.unregister(out);
            return out;
        }
    }

    /**
     * {@code next(x)} {@link #scoped scoped}, then {@code x} closed: one stage of a forward whose input is not needed
     * after it, so the stage's intermediates and its input are freed before the next stage (the same peak as closing
     * each by hand).
     */
    public static NDArray then(NDArray x, java.util.function.UnaryOperator<NDArray> next) {
        try (x) {
            return scoped(() -> next.apply(x));
        }
    }

    /**
     * {@code F.silu(x) = x * sigmoid(x)}; where autograd is not recording, the product goes into the sigmoid's buffer
     * (the same numbers, one fresh buffer less: at the VAE's 512×512, 134 MB of new pages per call).
     */
    public static NDArray silu(NDArray x) {
        NDArray s = Activation.sigmoid(x);
        if (recording()) {
            try (s) {
                return x.mul(s);                                                 // sigmoid's backward reads s
            }
        }
        return s.muli(x);
    }

    /**
     * Whether autograd records operations (inside a training step's gradient collector): then nothing may be done in
     * place on what a backward function saved. (DJL's own test, {@code hasGradient}, is false for every array but
     * the leaves.)
     */
    public static boolean recording() {
        return ai.djl.pytorch.jni.JniUtils.isGradMode();
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
