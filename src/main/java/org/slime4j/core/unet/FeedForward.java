package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.weights.WeightStore;

/** diffusers {@code FeedForward} with GEGLU: {@code net.0.proj} (dim -> 2·4dim), gate with exact GELU, {@code net.2}. */
final class FeedForward {
    private final Linear proj;
    private final Linear out;

    public FeedForward(WeightStore w, String prefix, int dim) {
        int inner = dim * 4;
        this.proj = new Linear(w, prefix + ".net.0.proj", dim, inner * 2, true);
        this.out = new Linear(w, prefix + ".net.2", inner, dim, true);
    }

    /** [B, S, dim] -> [B, S, dim]. */
    public NDArray forward(NDArray x) {
        try (NDArray both = proj.forward(x);                                     // [B, S, 2*inner]
             NDList halves = both.split(2, 2);                                   // hidden, gate
             NDArray gelu = Activation.gelu(halves.get(1));                     // [B, S, inner]
             NDArray gated = halves.get(0).mul(gelu)) {                         // [B, S, inner]
            return out.forward(gated);                                           // [B, S, dim]
        }
    }
}
