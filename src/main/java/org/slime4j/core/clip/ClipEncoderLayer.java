package org.slime4j.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.slime4j.core.nn.LayerNorm;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/** transformers {@code CLIPEncoderLayer}: pre-LN self-attention and MLP ({@code fc1}, quick_gelu or gelu, {@code fc2}). */
final class ClipEncoderLayer {
    private final LayerNorm layerNorm1;
    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm2;
    private final Linear fc1;
    private final Linear fc2;
    private final NDArray quickGeluFactor;

    ClipEncoderLayer(WeightStore w, String prefix, int dim, int intermediate, int heads, double eps, String act) {
        layerNorm1 = new LayerNorm(w, prefix + ".layer_norm1", dim, eps);
        selfAttn = new ClipAttention(w, prefix + ".self_attn", dim, heads);
        layerNorm2 = new LayerNorm(w, prefix + ".layer_norm2", dim, eps);
        fc1 = new Linear(w, prefix + ".mlp.fc1", dim, intermediate, true);
        fc2 = new Linear(w, prefix + ".mlp.fc2", intermediate, dim, true);
        quickGeluFactor = act.equals("quick_gelu") ? Nn.constant(w.manager(), 1.702) : null;
    }

    /** [B, S, D] -> [B, S, D]. */
    NDArray forward(NDArray x, NDArray mask) {
        NDArray h = Nn.scoped(() -> x.add(selfAttn.forward(layerNorm1.forward(x), mask))); // [B, S, D]
        return Nn.then(h, r -> r.add(fc2.forward(activation(fc1.forward(layerNorm2.forward(r)))))); // [B, S, D]
    }

    private NDArray activation(NDArray x) {
        if (quickGeluFactor == null) {
            return Activation.gelu(x);
        }
        try (NDArray scaled = x.mul(quickGeluFactor); NDArray gate = Activation.sigmoid(scaled)) {
            return x.mul(gate);                                                  // x·σ(1.702x)
        }
    }
}
