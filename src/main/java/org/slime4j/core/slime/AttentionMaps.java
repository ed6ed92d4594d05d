package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SLiMe's attention maps from one text item's captured UNet scores {@code [heads, Q, keys]} (only the text item is
 * captured: training runs the unconditional item apart, segmentation not at all). Layers are square
 * ({@code Q = h·w}, h = w), as at the working size S×S.
 */
public final class AttentionMaps {
    private AttentionMaps() {
    }

    /**
     * One layer's cross map from the text item's scores [heads, Q, 77]: columns 0..K-1 (after a softmax over all
     * keys when {@code softmax}, as at inference; raw logits in training), averaged over heads, resized to L×L.
     * [K, L, L].
     */
    public static NDArray crossLayer(NDManager m, NDArray rows, int parts, int size, boolean softmax) {
        // The head mean is taken before the resize (both linear): the resize then runs on one map, not on each head's.
        try (NDArray probs = softmax ? rows.softmax(-1) : rows.reshape(rows.getShape()); // never duplicate(): it detaches
             NDArray tokens = probs.get(":, :, 0:" + parts);                     // [heads, Q, K]
             NDArray mean = tokens.mean(new int[] {0})) {                        // [Q, K]
            int side = side(mean.getShape().get(0));
            try (NDArray grid = mean.reshape(side, side, parts);                 // [h, w, K]
                 NDArray planes = grid.transpose(2, 0, 1)) {                     // [K, h, w]
                return Resize.bilinear(m, planes, size, size);                   // [K, L, L]
            }
        }
    }

    /**
     * One layer's self map from the text item's attention probabilities [heads, Q, Q] (softmax over keys, as the
     * layer computed them), head mean, resized. [Q, L, L].
     */
    public static NDArray selfLayer(NDManager m, NDArray probs, int size) {
        try (NDArray mean = probs.mean(new int[] {0})) {                         // [Q, Q]: one pass over the heads
            long q = mean.getShape().get(0);
            int side = side(q);
            try (NDArray grid = mean.reshape(side, side, q);                     // [h, w, Q]
                 NDArray planes = grid.transpose(2, 0, 1)) {                     // [Q, h, w]
                return Resize.bilinear(m, planes, size, size);                   // [Q, L, L]
            }
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
