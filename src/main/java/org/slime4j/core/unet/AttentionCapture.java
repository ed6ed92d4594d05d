package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;

/**
 * A hook on the UNet's attention layers, keyed by module path as in diffusers
 * ({@code up_blocks.1.attentions.0.transformer_blocks.0.attn2}). A layer asks {@link #wants} before handing over its
 * PRE-softmax scaled scores {@code q·kᵀ/√d} of shape {@code [batch·heads, Q, keys]} (batch-major: item 0's heads
 * first); layers nobody wants keep nothing. The blocks' code does not change with what is captured; how a layer computes (attention slicing)
 * is fixed when the model is built, not here.
 */
public interface AttentionCapture {
    /** Captures nothing. */
    AttentionCapture NONE = new AttentionCapture() {
        @Override
        public boolean wants(String path) {
            return false;
        }

        @Override
        public void accept(String path, NDArray scores) {
            throw new IllegalStateException("nothing was requested");
        }
    };

    boolean wants(String path);

    /**
     * Whether {@code path}'s softmaxed probabilities are wanted instead of the scores (the layer hands out the array
     * it computes anyway, so no second softmax is made and kept for the backward pass).
     */
    default boolean wantsProbabilities(String path) {
        return false;
    }

    /**
     * Whether {@code path}'s probabilities are wanted averaged over the heads, {@code [batch, Q, keys]} (a fifth of
     * the array at Stable Diffusion's 64×64 layers) (computed a slice of query rows at a time when the model slices
     * attention). Implies {@link #wantsProbabilities}.
     */
    default boolean wantsHeadMean(String path) {
        return false;
    }

    /** Receives the scores (or probabilities) of a wanted layer; the receiver owns the array from now on. */
    void accept(String path, NDArray scores);
}
