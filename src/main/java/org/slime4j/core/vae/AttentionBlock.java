package org.slime4j.core.vae;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.nn.GroupNorm;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers 0.16 {@code AttentionBlock}: single-head self-attention over the pixels of the VAE's middle block
 * ({@code query/key/value/proj_attn}; later namings are mapped by the weight store's alias table).
 */
final class AttentionBlock {
    private final GroupNorm groupNorm;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear projAttn;
    private final NDArray scale;

    public AttentionBlock(WeightStore w, String prefix, int channels, int groups, double eps) {
        groupNorm = new GroupNorm(w, prefix + ".group_norm", groups, channels, eps);
        query = new Linear(w, prefix + ".query", channels, channels, true);
        key = new Linear(w, prefix + ".key", channels, channels, true);
        value = new Linear(w, prefix + ".value", channels, channels, true);
        projAttn = new Linear(w, prefix + ".proj_attn", channels, channels, true);
        scale = Nn.constant(w.manager(), 1 / Math.sqrt(channels));
    }

    /** [N, C, H, W] -> [N, C, H, W]. */
    public NDArray forward(NDArray x) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray mixed;
        try (NDArray normed = groupNorm.forward(x);                              // [N, C, H, W]
             NDArray flat = normed.reshape(n, c, h * w);
             NDArray tokens = flat.transpose(0, 2, 1);                           // [N, HW, C]
             NDArray q = query.forward(tokens); NDArray k = key.forward(tokens); NDArray v = value.forward(tokens);
             NDArray kt = k.transpose(0, 2, 1);                                  // [N, C, HW]
             NDArray raw = q.matMul(kt); NDArray scores = raw.mul(scale);        // [N, HW, HW]
             NDArray probs = scores.softmax(-1);
             NDArray attended = probs.matMul(v)) {                               // [N, HW, C]
            mixed = projAttn.forward(attended);                                  // [N, HW, C]
        }
        try (mixed; NDArray t = mixed.transpose(0, 2, 1); NDArray back = t.reshape(n, c, h, w)) {
            return back.add(x);                                                  // [N, C, H, W]
        }
    }
}
