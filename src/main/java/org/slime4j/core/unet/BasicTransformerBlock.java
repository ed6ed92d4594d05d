package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.LayerNorm;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/** diffusers {@code BasicTransformerBlock}: self-attention, cross-attention, GEGLU feed-forward, pre-LayerNorm. */
final class BasicTransformerBlock {
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
        NDArray h = Nn.scoped(() -> attn1.forward(norm1.forward(x), null, capture).add(x)); // [B, HW, dim]
        h = Nn.then(h, a -> attn2.forward(norm2.forward(a), context, capture).add(a));     // [B, HW, dim]
        return Nn.then(h, a -> ff.forward(norm3.forward(a)).add(a));                       // [B, HW, dim]
    }
}
