package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.LayerNorm;
import org.slime4j.core.weights.WeightStore;

/** diffusers {@code BasicTransformerBlock}: self-attention, cross-attention, GEGLU feed-forward, pre-LayerNorm. */
public final class BasicTransformerBlock {
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(WeightStore w, String prefix, int dim, int heads, int dimHead, int crossDim,
                                 int attentionSlice) {
        norm1 = new LayerNorm(w, prefix + ".norm1", dim, 1e-5);
        attn1 = new Attention(w, prefix + ".attn1", dim, dim, heads, dimHead, attentionSlice);
        norm2 = new LayerNorm(w, prefix + ".norm2", dim, 1e-5);
        attn2 = new Attention(w, prefix + ".attn2", dim, crossDim, heads, dimHead, attentionSlice);
        norm3 = new LayerNorm(w, prefix + ".norm3", dim, 1e-5);
        ff = new FeedForward(w, prefix + ".ff", dim);
    }

    /** x [B, HW, dim], context [B, 77, crossDim] -> [B, HW, dim]. */
    public NDArray forward(NDArray x, NDArray context, AttentionCapture capture) {
        NDArray h1;
        try (NDArray n = norm1.forward(x); NDArray a = attn1.forward(n, null, capture)) {
            h1 = a.add(x);                                                       // [B, HW, dim]
        }
        NDArray h2;
        try (h1; NDArray n = norm2.forward(h1); NDArray a = attn2.forward(n, context, capture)) {
            h2 = a.add(h1);                                                      // [B, HW, dim]
        }
        try (h2; NDArray n = norm3.forward(h2); NDArray f = ff.forward(n)) {
            return f.add(h2);                                                    // [B, HW, dim]
        }
    }
}
