package org.slime4j.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.config.ClipTextConfig;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.nn.LayerNorm;
import org.slime4j.core.weights.WeightStore;

/**
 * transformers {@code CLIPTextModel}: token + position embeddings, causal pre-LN transformer, final LayerNorm. Returns
 * the last hidden state, which Stable Diffusion uses as the UNet's context. Thread-safe once built.
 */
public final class ClipTextModel {
    private final ClipTextConfig config;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<ClipEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalLayerNorm;

    public ClipTextModel(WeightStore w, ClipTextConfig c) {
        this.config = c;
        int d = c.hiddenSize();
        tokenEmbedding = w.get("text_model.embeddings.token_embedding.weight", c.vocabSize(), d);
        positionEmbedding = w.get("text_model.embeddings.position_embedding.weight", c.maxPositionEmbeddings(), d);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(new ClipEncoderLayer(w, "text_model.encoder.layers." + i, d, c.intermediateSize(),
                    c.numAttentionHeads(), c.layerNormEps(), c.hiddenAct()));
        }
        finalLayerNorm = new LayerNorm(w, "text_model.final_layer_norm", d, c.layerNormEps());
    }

    public ClipTextConfig config() {
        return config;
    }

    /** ids [B, S] (int64, S ≤ max positions) -> last hidden state [B, S, D], in the manager of {@code ids}. */
    public NDArray forward(NDArray ids) {
        long b = ids.getShape().get(0);
        long s = ids.getShape().get(1);
        NDManager m = ids.getManager();
        NDArray h;
        try (NDArray flat = ids.flatten(); NDArray tok = tokenEmbedding.get(flat);   // [B*S, D]
             NDArray tok3 = tok.reshape(b, s, config.hiddenSize());
             NDArray pos = positionEmbedding.get("0:" + s)) {                        // [S, D]
            h = tok3.add(pos);                                                       // [B, S, D]
            h.attach(m);                                                             // owned by the caller's scope
        }
        try (NDArray mask = causalMask(m, (int) s)) {
            for (ClipEncoderLayer layer : layers) {
                h = Nn.then(h, old -> layer.forward(old, mask));                     // [B, S, D]
            }
        }
        return Nn.then(h, finalLayerNorm::forward);                                  // [B, S, D]
    }

    private static NDArray causalMask(NDManager m, int s) {
        float[] mask = new float[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = i + 1; j < s; j++) {
                mask[i * s + j] = -Float.MAX_VALUE;                                  // torch.finfo(float32).min
            }
        }
        return Owned.copy(m.create(mask, new ai.djl.ndarray.types.Shape(s, s)));
    }
}
