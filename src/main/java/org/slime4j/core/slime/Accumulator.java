package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.Owned;

/**
 * One image's accumulated maps [K, M, M] and counts, on the device; {@link #result} divides, takes the argmax
 * and hands the labels and scores to the host.
 */
final class Accumulator {
    private final int size;
    private final int maskPatch;
    private final NDArray sum;
    private final NDArray counts;

    Accumulator(NDManager m, int k, int size, int maskPatch) {
        this.size = size;
        this.maskPatch = maskPatch;
        this.sum = m.zeros(new Shape(k, size, size));
        this.counts = m.full(new Shape(k, size, size), 1e-7f);
    }

    /** One crop's contribution from its WAS maps [K', L*L], rescaled to each part's [min, max] as the reference. */
    void add(Kept kept, NDArray was, int side, int my, int mx, Trace trace) {
        NDManager m = was.getManager();
        int n = kept.parts().size();
        NDArray resized = Resize.bilinear(m, was.reshape(n, side, side), maskPatch, maskPatch); // [K', P, P]
        NDArray flat = resized.reshape(n, (long) maskPatch * maskPatch);        // [K', P*P]
        float[] lo = flat.min(new int[] {1}).toFloatArray();                   // [K']
        float[] hi = flat.max(new int[] {1}).toFloatArray();                   // [K']
        float[] coef = new float[n];
        float[] offset = new float[n];
        for (int i = 0; i < n; i++) {
            int part = kept.parts().get(i);
            coef[i] = (hi[i] - lo[i]) / (kept.max()[part] - kept.min()[part]);
            if (Float.isNaN(coef[i]) || coef[i] == 0) {
                coef[i] = 1e-7f;
            }
            offset[i] = kept.min()[part] - lo[i] / coef[i];
            int row = i;
            trace.put("infer.was." + part, () -> was.get(row).toFloatArray());
            trace.put("infer.was_resized." + part, () -> resized.get(row).toFloatArray());
        }
        int h = Math.min(maskPatch, size - my);
        int w = Math.min(maskPatch, size - mx);
        NDArray scaled = resized.div(Owned.copy(m.create(coef, new Shape(n, 1, 1))))
                .add(Owned.copy(m.create(offset, new Shape(n, 1, 1))))
                .get(":, 0:" + h + ", 0:" + w);                                // [K', h, w]
        for (int i = 0; i < n; i++) {
            NDIndex at = new NDIndex("{}, {}:{}, {}:{}", kept.parts().get(i), my, my + h, mx, mx + w);
            try (NDArray s = sum.get(at); NDArray c = counts.get(at);
                 NDArray s2 = s.add(scaled.get(i)); NDArray c2 = c.add(1f)) {
                sum.set(at, s2);
                counts.set(at, c2);
            }
        }
    }

    Segmenter.Result result() {
        try (NDArray scores = sum.div(counts); NDArray best = scores.argMax(0)) {     // [K, M, M], [M, M]
            long[] labels = best.toLongArray();
            int[] out = new int[labels.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) labels[i];
            }
            return new Segmenter.Result(out, scores.toFloatArray());
        }
    }
}
