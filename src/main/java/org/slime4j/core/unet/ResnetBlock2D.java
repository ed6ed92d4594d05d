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
    private final int out;

    public ResnetBlock2D(WeightStore w, String prefix, int in, int out, int tembChannels, int groups, double eps,
                         double outputScaleFactor) {
        this.out = out;
        norm1 = new GroupNorm(w, prefix + ".norm1", groups, in, eps);
        conv1 = new Conv2d(w, prefix + ".conv1", in, out, 3, 1, 1);
        timeEmbProj = tembChannels > 0 ? new Linear(w, prefix + ".time_emb_proj", tembChannels, out, true) : null;
        norm2 = new GroupNorm(w, prefix + ".norm2", groups, out, eps);
        conv2 = new Conv2d(w, prefix + ".conv2", out, out, 3, 1, 1);
        convShortcut = in != out ? new Conv2d(w, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null;
        outputScale = outputScaleFactor != 1.0 ? Nn.constant(w.manager(), outputScaleFactor) : null;
    }

    /**
     * x [N, in, H, W], siluTemb = SiLU(time embedding) [N, T] or null -> [N, out, H, W]. diffusers applies the SiLU in
     * every block to the same embedding; the UNet applies it once ({@link UNet2DConditionModel#forward}). Stage by
     * stage ({@link Nn#then}), so at most one stage's intermediates are alive at a time (at the VAE's 512×512, 134 MB
     * each), as when closed by hand.
     */
    public NDArray forward(NDArray x, NDArray siluTemb) {
        NDArray h = Nn.scoped(() -> conv1.forward(Nn.silu(norm1.forward(x))));  // [N, out, H, W]
        if (timeEmbProj != null) {
            NDArray t = timeEmbProj.forward(siluTemb).reshape(-1, out, 1, 1);   // [N, out, 1, 1]
            h = Nn.then(h, a -> a.add(t));                                       // [N, out, H, W]
        }
        h = Nn.then(h, a -> conv2.forward(Nn.silu(norm2.forward(a))));           // [N, out, H, W]
        return Nn.then(h, a -> {
            NDArray out = (convShortcut == null ? x : convShortcut.forward(x)).add(a); // [N, out, H, W]
            return outputScale == null ? out : out.div(outputScale);
        });
    }
}
