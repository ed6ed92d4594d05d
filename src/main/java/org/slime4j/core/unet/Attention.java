package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers {@code Attention} (CrossAttention, AttnProcessor) without biases on q/k/v. Its module path (the weight
 * prefix) is the key under which an {@link AttentionCapture} may take its pre-softmax scores.
 */
final class Attention {
    private final String path;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final int dimHead;
    private final NDArray scale;
    private final int sliceRows;

    /**
     * @param crossDim  channels of the context (= {@code queryDim} for self-attention)
     * @param sliceRows query rows computed at a time when no full scores are handed out (0: all at once): the
     *                  [B·h, rows, keys] scores of one slice are then the largest array instead of the whole layer's
     */
    public Attention(WeightStore w, String path, int queryDim, int crossDim, int heads, int dimHead, int sliceRows) {
        this.sliceRows = sliceRows;
        int inner = heads * dimHead;
        this.path = path;
        this.toQ = new Linear(w, path + ".to_q", queryDim, inner, false);
        this.toK = new Linear(w, path + ".to_k", crossDim, inner, false);
        this.toV = new Linear(w, path + ".to_v", crossDim, inner, false);
        this.toOut = new Linear(w, path + ".to_out.0", inner, queryDim, true);
        this.heads = heads;
        this.dimHead = dimHead;
        this.scale = Nn.constant(w.manager(), Math.pow(dimHead, -0.5));
    }

    public String path() {
        return path;
    }

    /** x [B, Q, C], context [B, K, Cc] (null: self-attention) -> [B, Q, C]. */
    public NDArray forward(NDArray x, NDArray context, AttentionCapture capture) {
        NDArray source = context == null ? x : context;
        long b = x.getShape().get(0);
        boolean captured = capture.wants(path);
        boolean headMean = captured && capture.wantsHeadMean(path);
        int slice = captured && !headMean ? 0 : sliceRows;             // full scores cannot be sliced
        NDArray mixed;
        NDList means = headMean ? new NDList() : null;
        // scale·(q·kᵀ) computed as (scale·q)·kᵀ: one pass less over the largest tensor, and the same numbers
        // (exactly so when dim_head is a power of four, as in Stable Diffusion: scale = 1/8).
        try (NDArray q0 = toQ.forward(x); NDArray q = headToBatch(q0);          // [B*h, Q, d]
             NDArray qs = q.mul(scale);
             NDArray k0 = toK.forward(source); NDArray k = headToBatch(k0);     // [B*h, K, d]
             NDArray kt = k.transpose(0, 2, 1);                                  // [B*h, d, K]
             NDArray v0 = toV.forward(source); NDArray value = headToBatch(v0)) { // [B*h, K, d]
            long queries = qs.getShape().get(1);
            if (slice > 0 && queries > slice) {
                mixed = sliced(qs, kt, value, slice, means, b);                  // [B*h, Q, d]
            } else {
                mixed = attend(qs, kt, value, captured && !headMean ? capture : null, means, b); // [B*h, Q, d]
            }
        }
        if (headMean) {
            hand(capture, fp32(means.size() == 1 ? means.get(0) : concat(means)));   // [B, Q, K]
        }
        try (mixed; NDArray joined = batchToHead(mixed, b)) {                    // [B, Q, h*d]
            return toOut.forward(joined);                                        // [B, Q, C]
        }
    }

    /**
     * softmax(qs·kᵀ)·v. The scores or probabilities go to {@code capture} when it is not null; the probabilities'
     * mean over the heads [B, Q, K] is added to {@code means} when that is not null.
     */
    private NDArray attend(NDArray qs, NDArray kt, NDArray value, AttentionCapture capture, NDList means, long b) {
        NDArray scores = qs.matMul(kt);                                          // [B*h, Q, K]
        NDArray probs = softmax(scores);                                         // [B*h, Q, K]
        NDArray mixed = probs.matMul(value);                                     // [B*h, Q, d]
        if (means != null) {
            long q = probs.getShape().get(1);
            long keys = probs.getShape().get(2);
            try (NDArray split = probs.reshape(b, heads, q, keys)) {            // [B, h, Q, K]
                means.add(split.mean(new int[] {1}));                            // [B, Q, K]
            }
        }
        if (capture == null) {
            scores.close();
            probs.close();
        } else if (capture.wantsProbabilities(path)) {
            scores.close();
            hand(capture, fp32(probs));
        } else {
            probs.close();
            hand(capture, fp32(scores));
        }
        return mixed;
    }

    /** {@link #attend} over {@code rows} queries at a time (each query row's softmax is its own); keeps nothing. */
    private NDArray sliced(NDArray qs, NDArray kt, NDArray value, int rows, NDList means, long b) {
        long queries = qs.getShape().get(1);
        NDList parts = new NDList();
        try {
            for (long start = 0; start < queries; start += rows) {
                try (NDArray part = qs.get(":, " + start + ":" + Math.min(start + rows, queries) + ", :")) {
                    parts.add(attend(part, kt, value, null, means, b));          // [B*h, rows, d]
                }
            }
            return NDArrays.concat(parts, 1);                                    // [B*h, Q, d]
        } finally {
            parts.close();
        }
    }

    /** Hands {@code x} to the capture, which owns it from now on (so no enclosing block's scope frees it). */
    private void hand(AttentionCapture capture, NDArray x) {
        NDScope.unregister(x);
        capture.accept(path, x);
    }

    /** Slices of [B, rows, K] joined along the queries; the slices are freed. */
    private static NDArray concat(NDList slices) {
        try (slices) {
            return NDArrays.concat(slices, 1);
        }
    }

    /** Softmax over the keys, in fp32 when the scores are fp16 (as diffusers' upcast_softmax). */
    private static NDArray softmax(NDArray scores) {
        if (scores.getDataType() == DataType.FLOAT32) {
            return scores.softmax(-1);
        }
        try (NDArray wide = scores.toType(DataType.FLOAT32, false); NDArray p = wide.softmax(-1)) {
            return p.toType(scores.getDataType(), false);
        }
    }

    /** What a capture receives is always fp32 (the maps are computed in fp32). */
    private static NDArray fp32(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        try (x) {
            return x.toType(DataType.FLOAT32, false);
        }
    }

    /** [B, S, h*d] -> [B*h, S, d] (diffusers head_to_batch_dim). */
    private NDArray headToBatch(NDArray x) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        try (NDArray split = x.reshape(b, s, heads, dimHead); NDArray t = split.transpose(0, 2, 1, 3)) {
            return t.reshape(b * heads, s, dimHead);
        }
    }

    /** [B*h, S, d] -> [B, S, h*d] (diffusers batch_to_head_dim). */
    private NDArray batchToHead(NDArray x, long b) {
        long s = x.getShape().get(1);
        try (NDArray split = x.reshape(b, heads, s, dimHead); NDArray t = split.transpose(0, 2, 1, 3)) {
            return t.reshape(b, s, (long) heads * dimHead);
        }
    }
}
