package org.slime4j.core.config;

import java.nio.file.Path;
import java.util.Set;
import org.slime4j.core.weights.ModelFormatException;

/**
 * The CLIP text encoder's {@code text_encoder/config.json} (transformers {@code CLIPTextConfig}).
 *
 * @param hiddenAct {@code quick_gelu} (SD 1.x) or {@code gelu} (SD 2.x)
 */
public record ClipTextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                             int numAttentionHeads, int maxPositionEmbeddings, double layerNormEps,
                             String hiddenAct) {
    private static final Set<String> ACTIVATIONS = Set.of("quick_gelu", "gelu");

    public static ClipTextConfig read(Path file) {
        JsonConfig c = JsonConfig.read(file);
        ClipTextConfig config = new ClipTextConfig(c.positive("vocab_size"), c.positive("hidden_size"),
                c.positive("intermediate_size"), c.positive("num_hidden_layers"), c.positive("num_attention_heads"),
                c.integer("max_position_embeddings", 77), c.number("layer_norm_eps", 1e-5),
                c.string("hidden_act", "quick_gelu"));
        if (!ACTIVATIONS.contains(config.hiddenAct)) {
            throw new ModelFormatException("Config " + file + ": hidden_act '" + config.hiddenAct
                    + "' is not supported (expected one of " + ACTIVATIONS + ").");
        }
        if (config.hiddenSize % config.numAttentionHeads != 0) {
            throw new ModelFormatException("Config " + file + ": hidden_size " + config.hiddenSize
                    + " is not a multiple of num_attention_heads " + config.numAttentionHeads + ".");
        }
        return config;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
