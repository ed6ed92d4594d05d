package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;

/**
 * A hook on the UNet's attention layers, keyed by module path as in diffusers
 * ({@code up_blocks.1.attentions.0.transformer_blocks.0.attn2}). A layer asks {@link #wants} before handing over its
 * PRE-softmax scaled scores {@code q·kᵀ/√d} of shape {@code [batch·heads, Q, keys]} (batch-major: item 0's heads
 * first); layers nobody wants keep nothing. The blocks' code does not change with what is captured.
 *
 * <p>It also says how a layer nobody wants computes: all queries at once, or {@link #sliceRows} query rows at a time
 * (the same numbers; the [batch·heads, rows, keys] scores of one slice are the largest array instead of the whole
 * layer's: a memory option, as diffusers' attention slicing).
 */
public interface AttentionCapture {
    /** Captures nothing. */
    AttentionCapture NONE = new Nothing(0);

    /** Captures nothing; uncaptured layers compute {@code rows} queries at a time (0: all at once). */
    static AttentionCapture sliced(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("attention slice must be >= 0 rows, got " + rows);
        }
        return rows == 0 ? NONE : new Nothing(rows);
    }

    /** A capture that wants no layer. */
    record Nothing(int sliceRows) implements AttentionCapture {
        @Override
        public boolean wants(String path) {
            return false;
        }

        @Override
        public void accept(String path, NDArray scores) {
            throw new IllegalStateException("nothing was requested");
        }
    }

    boolean wants(String path);

    /** Query rows an uncaptured layer computes at a time; 0 (the default): all at once. */
    default int sliceRows() {
        return 0;
    }

    /**
     * Whether {@code path}'s softmaxed probabilities are wanted instead of the scores (the layer hands out the array
     * it computes anyway, so no second softmax is made and kept for the backward pass).
     */
    default boolean wantsProbabilities(String path) {
        return false;
    }

    /**
     * Whether {@code path}'s probabilities are wanted averaged over the heads, {@code [batch, Q, keys]} (a fifth of
     * the array at Stable Diffusion's 64×64 layers), computed {@link #sliceRows} query rows at a time when slicing.
     * Implies {@link #wantsProbabilities}.
     */
    default boolean wantsHeadMean(String path) {
        return false;
    }

    /** Receives the scores (or probabilities) of a wanted layer; the receiver owns the array from now on. */
    void accept(String path, NDArray scores);
}
