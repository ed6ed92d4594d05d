package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.weights.WeightStore;
import org.slime4j.core.nn.Nn;

/** diffusers {@code UNetMidBlock2DCrossAttn}: resnet, transformer, resnet. */
public final class UNetMidBlock2DCrossAttn {
    private final ResnetBlock2D resnet0;
    private final Transformer2DModel attention;
    private final ResnetBlock2D resnet1;

    public UNetMidBlock2DCrossAttn(WeightStore w, String prefix, int channels, UNetBlockSettings s, int heads,
                                   double outputScaleFactor) {
        resnet0 = new ResnetBlock2D(w, prefix + ".resnets.0", channels, channels, s.tembChannels(), s.groups(),
                s.eps(), outputScaleFactor);
        attention = s.transformer(w, prefix + ".attentions.0", channels, heads);
        resnet1 = new ResnetBlock2D(w, prefix + ".resnets.1", channels, channels, s.tembChannels(), s.groups(),
                s.eps(), outputScaleFactor);
    }

    /** [B, C, H, W] -> [B, C, H, W]. */
    public NDArray forward(NDArray x, NDArray temb, NDArray context, AttentionCapture capture) {
        NDArray h = resnet0.forward(x, temb);                                    // [B, C, H, W]
        h = Nn.then(h, old -> attention.forward(old, context, capture));         // [B, C, H, W]
        return Nn.then(h, old -> resnet1.forward(old, temb));                   // [B, C, H, W]
    }
}
