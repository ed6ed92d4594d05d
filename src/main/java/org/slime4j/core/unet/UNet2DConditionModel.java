package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.GroupNorm;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers {@code UNet2DConditionModel} (SD 1.x / 2.x): predicts the noise in a latent given a timestep and a text
 * context, optionally handing attention scores to an {@link AttentionCapture}.
 *
 * <p>Thread-safe once built: {@link #forward} keeps no state; results belong to the manager of {@code sample}.
 * Intermediates are closed as soon as they are used, so memory stays near the largest live set.
 */
public final class UNet2DConditionModel {
    private final UNetConfig config;
    private final DataType dtype;
    private final Linear timeLinear1;
    private final Linear timeLinear2;
    private final Conv2d convIn;
    private final List<DownBlock2D> downBlocks = new ArrayList<>();
    private final UNetMidBlock2DCrossAttn midBlock;
    private final List<UpBlock2D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    /**
     * @param attentionSlice query rows its attention layers compute at a time where they keep no full scores (a
     *                       memory option, as diffusers' attention slicing; the same numbers); 0: all at once
     */
    public UNet2DConditionModel(WeightStore w, UNetConfig c, int attentionSlice) {
        this.config = c;
        this.dtype = w.computeType();
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        UNetBlockSettings s = UNetBlockSettings.of(c, attentionSlice);
        timeLinear1 = new Linear(w, "time_embedding.linear_1", ch[0], c.timeEmbedDim(), true);
        timeLinear2 = new Linear(w, "time_embedding.linear_2", c.timeEmbedDim(), c.timeEmbedDim(), true);
        convIn = new Conv2d(w, "conv_in", c.inChannels(), ch[0], 3, 1, 1);
        int out = ch[0];
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch[i];
            downBlocks.add(new DownBlock2D(w, "down_blocks." + i,
                    c.downBlockTypes().get(i).equals("CrossAttnDownBlock2D"), in, out, c.layersPerBlock(),
                    i < n - 1, s, c.heads()[i]));
        }
        midBlock = new UNetMidBlock2DCrossAttn(w, "mid_block", ch[n - 1], s, c.heads()[n - 1],
                c.midBlockScaleFactor());
        out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            int prevOut = out;
            out = ch[n - 1 - i];
            int in = ch[Math.max(n - 2 - i, 0)];
            upBlocks.add(new UpBlock2D(w, "up_blocks." + i,
                    c.upBlockTypes().get(i).equals("CrossAttnUpBlock2D"), in, prevOut, out,
                    c.layersPerBlock() + 1, i < n - 1, s, c.heads()[n - 1 - i]));
        }
        convNormOut = new GroupNorm(w, "conv_norm_out", c.normNumGroups(), ch[0], c.normEps());
        convOut = new Conv2d(w, "conv_out", ch[0], c.outChannels(), 3, 1, 1);
    }

    public UNetConfig config() {
        return config;
    }

    /** The weights' element type: fp32, or fp16 for segmentation on GPUs (see {@code Precision}). */
    public DataType dataType() {
        return dtype;
    }

    /**
     * The predicted noise.
     *
     * @param sample   noisy latents [B, 4, h, w]
     * @param timestep the diffusion step, the same for the whole batch
     * @param context  encoder hidden states [B, 77, crossDim]
     * @param capture  which attention scores to hand out ({@link AttentionCapture#NONE} for none)
     * @return [B, 4, h, w]
     */
    public NDArray forward(NDArray sample, long timestep, NDArray context, AttentionCapture capture) {
        if (dtype != sample.getDataType()) {                                     // fp16 weights: fp32 in and out
            try (NDArray x = sample.toType(dtype, false); NDArray ctx = context.toType(dtype, false);
                 NDArray y = forward(x, timestep, ctx, capture)) {
                return y.toType(sample.getDataType(), false);
            }
        }
        long b = sample.getShape().get(0);
        NDArray temb;
        try (NDArray t = timestepEmbedding(sample.getManager(), timestep, b);   // [B, c0]
             NDArray l1 = timeLinear1.forward(t); NDArray a = Nn.silu(l1);      // [B, 4*c0]
             NDArray emb = timeLinear2.forward(a)) {                             // [B, 4*c0]
            temb = Nn.silu(emb);                    // [B, 4*c0]: every ResnetBlock2D's SiLU of it, computed once
        }
        Deque<NDArray> skips = new ArrayDeque<>();
        NDArray h = convIn.forward(sample);                                      // [B, c0, h, w]
        skips.push(h);
        for (DownBlock2D down : downBlocks) {
            h = down.forward(h, temb, context, capture, skips);                  // [B, c_i, h/2^i, w/2^i]
        }
        h = midBlock.forward(h, temb, context, capture);                         // [B, c_last, ., .]
        for (UpBlock2D up : upBlocks) {
            h = up.forward(h, temb, context, capture, skips);                    // [B, c, 2x, 2x]
        }
        temb.close();
        try (NDArray old = h; NDArray n = convNormOut.forward(old); NDArray a = Nn.silu(n)) {
            return convOut.forward(a);                                           // [B, 4, h, w]
        }
    }

    /** diffusers {@code get_timestep_embedding}: [cos | sin] (flipped) of t·exp(-ln(10000)·i/(half - shift)). */
    private NDArray timestepEmbedding(NDManager m, long timestep, long batch) {
        int dim = config.blockOutChannels()[0];
        int half = dim / 2;
        try (NDArray i = m.arange(0, half, 1, DataType.FLOAT32);
             NDArray e0 = i.mul((float) -Math.log(10000));
             NDArray e1 = e0.div((float) (half - config.freqShift()));
             NDArray freqs = e1.exp(); NDArray row = freqs.reshape(1, half);           // [1, half]
             NDArray t = m.full(new Shape(batch, 1), (float) timestep);                 // [B, 1]
             NDArray args = t.mul(row);                                                 // [B, half]
             NDArray sin = args.sin(); NDArray cos = args.cos();
             NDArray emb = config.flipSinToCos() ? cos.concat(sin, 1) : sin.concat(cos, 1)) { // [B, dim] fp32
            return emb.toType(dtype, true);
        }
    }
}
