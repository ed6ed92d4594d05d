package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.GroupNorm;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers {@code ResnetBlock2D} (time-scale shift "default"), shared by the UNet and the VAE encoder (which has no
 * time embedding: {@code tembChannels = 0}).
 */
public final class ResnetBlock2D {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final NDArray outputScale;

    public ResnetBlock2D(WeightStore w, String prefix, int in, int out, int tembChannels, int groups, double eps,
                         double outputScaleFactor) {
        norm1 = new GroupNorm(w, prefix + ".norm1", groups, in, eps);
        conv1 = new Conv2d(w, prefix + ".conv1", in, out, 3, 1, 1);
        timeEmbProj = tembChannels > 0 ? new Linear(w, prefix + ".time_emb_proj", tembChannels, out, true) : null;
        norm2 = new GroupNorm(w, prefix + ".norm2", groups, out, eps);
        conv2 = new Conv2d(w, prefix + ".conv2", out, out, 3, 1, 1);
        convShortcut = in != out ? new Conv2d(w, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null;
        outputScale = outputScaleFactor != 1.0 ? Nn.constant(w.manager(), outputScaleFactor) : null;
    }

    /** x [N, in, H, W], temb [N, T] or null -> [N, out, H, W]. */
    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h;
        try (NDArray n1 = norm1.forward(x); NDArray a1 = Nn.silu(n1)) {
            h = conv1.forward(a1);                                               // [N, out, H, W]
        }
        if (timeEmbProj != null) {
            try (NDArray a = Nn.silu(temb); NDArray t = timeEmbProj.forward(a);  // [N, out]
                 NDArray t4 = t.expandDims(2).expandDims(3); NDArray old = h) {  // [N, out, 1, 1]
                h = old.add(t4);
            }
        }
        try (NDArray old = h; NDArray n2 = norm2.forward(old); NDArray a2 = Nn.silu(n2)) {
            h = conv2.forward(a2);                                               // [N, out, H, W]
        }
        NDArray sum;
        if (convShortcut != null) {
            try (NDArray s = convShortcut.forward(x); NDArray old = h) {         // [N, out, H, W]
                sum = s.add(old);
            }
        } else {
            try (NDArray old = h) {
                sum = x.add(old);
            }
        }
        if (outputScale == null) {
            return sum;
        }
        try (sum) {
            return sum.div(outputScale);
        }
    }
}
