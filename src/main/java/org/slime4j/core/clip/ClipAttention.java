package org.slime4j.core.clip;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/** transformers {@code CLIPAttention}: multi-head self-attention with biases and an additive (causal) mask. */
final class ClipAttention {
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final int heads;
    private final int headDim;
    private final NDArray scale;

    ClipAttention(WeightStore w, String prefix, int dim, int heads) {
        qProj = new Linear(w, prefix + ".q_proj", dim, dim, true);
        kProj = new Linear(w, prefix + ".k_proj", dim, dim, true);
        vProj = new Linear(w, prefix + ".v_proj", dim, dim, true);
        outProj = new Linear(w, prefix + ".out_proj", dim, dim, true);
        this.heads = heads;
        this.headDim = dim / heads;
        scale = Nn.constant(w.manager(), Math.pow(headDim, -0.5));
    }

    /** x [B, S, D], mask [S, S] (0 or a large negative) -> [B, S, D]. */
    NDArray forward(NDArray x, NDArray mask) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        NDArray mixed;
        try (NDArray q0 = qProj.forward(x); NDArray q1 = q0.mul(scale); NDArray q = heads(q1, b, s); // [B, H, S, d]
             NDArray k0 = kProj.forward(x); NDArray k = heads(k0, b, s);
             NDArray v0 = vProj.forward(x); NDArray v = heads(v0, b, s);
             NDArray kt = k.transpose(0, 1, 3, 2);                               // [B, H, d, S]
             NDArray raw = q.matMul(kt);                                         // [B, H, S, S]
             NDArray masked = raw.add(mask);
             NDArray probs = masked.softmax(-1);
             NDArray out = probs.matMul(v);                                      // [B, H, S, d]
             NDArray t = out.transpose(0, 2, 1, 3)) {                            // [B, S, H, d]
            mixed = t.reshape(b, s, (long) heads * headDim);                     // [B, S, D]
        }
        try (mixed) {
            return outProj.forward(mixed);                                       // [B, S, D]
        }
    }

    private NDArray heads(NDArray x, long b, long s) {
        try (NDArray r = x.reshape(b, s, heads, headDim)) {
            return r.transpose(0, 2, 1, 3);                                      // [B, H, S, d]
        }
    }
}
