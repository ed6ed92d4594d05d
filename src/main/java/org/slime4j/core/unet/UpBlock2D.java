package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slime4j.core.weights.WeightStore;
import org.slime4j.core.nn.Nn;

/**
 * diffusers {@code CrossAttnUpBlock2D} ({@code withAttention}) and {@code UpBlock2D}: each resnet takes the hidden
 * state concatenated with the latest skip connection, followed by a transformer when present; then an optional
 * upsampler to the size of the next skip connection.
 */
public final class UpBlock2D {
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Upsample2D upsampler;

    public UpBlock2D(WeightStore w, String prefix, boolean withAttention, int in, int prevOut, int out, int layers,
                     boolean addUpsample, UNetBlockSettings s, int heads) {
        for (int i = 0; i < layers; i++) {
            int skip = i == layers - 1 ? in : out;
            int resnetIn = i == 0 ? prevOut : out;
            resnets.add(new ResnetBlock2D(w, prefix + ".resnets." + i, resnetIn + skip, out, s.tembChannels(),
                    s.groups(), s.eps(), 1.0));
            if (withAttention) {
                attentions.add(s.transformer(w, prefix + ".attentions." + i, out, heads));
            }
        }
        upsampler = addUpsample ? new Upsample2D(w, prefix + ".upsamplers.0", out) : null;
    }

    /** Pops one skip per resnet. x [B, prevOut, H, W] -> [B, out, H', W']. */
    public NDArray forward(NDArray x, NDArray temb, NDArray context, AttentionCapture capture, Deque<NDArray> skips) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            ResnetBlock2D resnet = resnets.get(i);
            try (NDArray skip = skips.pop()) {
                h = Nn.then(h, old -> resnet.forward(NDArrays.concat(new NDList(old, skip), 1), temb)); // [B, out, H, W]
            }
            if (!attentions.isEmpty()) {
                Transformer2DModel attention = attentions.get(i);
                h = Nn.then(h, old -> attention.forward(old, context, capture));  // [B, out, H, W]
            }
        }
        if (upsampler != null) {
            Shape next = skips.peek().getShape();
            h = Nn.then(h, old -> upsampler.forward(old, next.get(2), next.get(3))); // [B, out, 2H, 2W]
        }
        return h;
    }
}
