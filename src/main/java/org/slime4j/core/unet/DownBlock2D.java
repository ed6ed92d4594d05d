package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slime4j.core.weights.WeightStore;
import org.slime4j.core.nn.Nn;

/**
 * diffusers {@code CrossAttnDownBlock2D} ({@code withAttention}) and {@code DownBlock2D}: resnets, each followed by a
 * transformer when present, then an optional stride-2 downsampler. Every output is pushed as a skip connection.
 */
public final class DownBlock2D {
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Downsample2D downsampler;

    public DownBlock2D(WeightStore w, String prefix, boolean withAttention, int in, int out, int layers,
                       boolean addDownsample, UNetBlockSettings s, int heads) {
        for (int i = 0; i < layers; i++) {
            resnets.add(new ResnetBlock2D(w, prefix + ".resnets." + i, i == 0 ? in : out, out, s.tembChannels(),
                    s.groups(), s.eps(), 1.0));
            if (withAttention) {
                attentions.add(s.transformer(w, prefix + ".attentions." + i, out, heads));
            }
        }
        downsampler = addDownsample ? new Downsample2D(w, prefix + ".downsamplers.0", out, s.downsamplePadding()) : null;
    }

    /** x [B, in, H, W] -> [B, out, H', W']; pushes each intermediate onto {@code skips}. */
    public NDArray forward(NDArray x, NDArray temb, NDArray context, AttentionCapture capture, Deque<NDArray> skips) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            h = resnets.get(i).forward(h, temb);                                 // [B, out, H, W]
            if (!attentions.isEmpty()) {
                Transformer2DModel attention = attentions.get(i);
                h = Nn.then(h, old -> attention.forward(old, context, capture)); // [B, out, H, W]
            }
            skips.push(h);
        }
        if (downsampler != null) {
            h = downsampler.forward(h);                                          // [B, out, H/2, W/2]
            skips.push(h);
        }
        return h;
    }
}
