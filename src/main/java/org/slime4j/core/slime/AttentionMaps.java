package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SLiMe's attention maps from captured UNet scores {@code [2·heads, Q, keys]} (batch-major: uncond heads first).
 * Layers are square ({@code Q = h·w}, h = w), as at the working size S×S.
 */
public final class AttentionMaps {
    private AttentionMaps() {
    }

    /**
     * One layer's cross map from the text item's scores [heads, Q, 77]: columns 0..K-1 (after a softmax over all
     * keys when {@code softmax}, as at inference; raw logits in training), resized to L×L, averaged over heads.
     * [K, L, L].
     */
    public static NDArray crossLayer(NDManager m, NDArray rows, int parts, int size, boolean softmax) {
        try (NDArray probs = softmax ? rows.softmax(-1) : rows.reshape(rows.getShape()); // never duplicate(): it detaches
             NDArray tokens = probs.get(":, :, 0:" + parts)) {                   // [heads, Q, K]
            long heads = tokens.getShape().get(0);
            int side = side(tokens.getShape().get(1));
            try (NDArray grid = tokens.reshape(heads, side, side, parts);        // [heads, h, w, K]
                 NDArray planes = grid.transpose(0, 3, 1, 2);                    // [heads, K, h, w]
                 NDArray resized = Resize.bilinear(m, planes, size, size)) {     // [heads, K, L, L]
                return resized.mean(new int[] {0});                              // [K, L, L]
            }
        }
    }

    /**
     * One layer's self map from the text item's attention probabilities [heads, Q, Q] (softmax over keys, as the
     * layer computed them), resized, head mean. [Q, L, L].
     */
    public static NDArray selfLayer(NDManager m, NDArray probs, int size) {
        long heads = probs.getShape().get(0);
        long q = probs.getShape().get(1);
        int side = side(q);
        try (NDArray grid = probs.reshape(heads, side, side, q);                 // [heads, h, w, Q]
             NDArray planes = grid.transpose(0, 3, 1, 2);                        // [heads, Q, h, w]
             NDArray resized = Resize.bilinear(m, planes, size, size)) {         // [heads, Q, L, L]
            return resized.mean(new int[] {0});                                  // [Q, L, L]
        }
    }

    /** The mean of per-layer maps. */
    public static NDArray layerMean(List<NDArray> maps) {
        try (NDArray stacked = NDArrays.stack(new NDList(maps))) {               // [layers, ...]
            return stacked.mean(new int[] {0});
        }
    }

    /** Weighted-attention-summed maps {@code W_k = Σ_j P[k, j] · A[j]}: P [K, Q], A [Q, L, L] -> [K, L, L]. */
    public static NDArray was(NDArray weights, NDArray self) {
        long q = self.getShape().get(0);
        long l = self.getShape().get(1);
        try (NDArray flat = self.reshape(q, l * l); NDArray w = weights.matMul(flat)) { // [K, L*L]
            return w.reshape(weights.getShape().get(0), l, l);
        }
    }

    private static int side(long q) {
        int side = (int) Math.round(Math.sqrt(q));
        if ((long) side * side != q) {
            throw new IllegalArgumentException("attention layer with " + q + " queries is not square");
        }
        return side;
    }
}
