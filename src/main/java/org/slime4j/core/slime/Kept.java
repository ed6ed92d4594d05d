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
 * The parts a crop keeps (cross map peak at or above the threshold), their cross rows [K', L*L] on the device
 * (the first zeroed where not above its mean, as the reference), and every part's max and min (host scalars).
 */
record Kept(List<Integer> parts, NDArray rows, float[] max, float[] min) {
    /** Null when no part reaches the threshold. */
    static Kept of(NDArray cross, double threshold, Trace trace) {
        float[] max = cross.max(new int[] {1}).toFloatArray();                 // [K]
        float[] min = cross.min(new int[] {1}).toFloatArray();                 // [K]
        List<Integer> parts = new ArrayList<>();
        for (int part = 0; part < max.length; part++) {
            if (max[part] >= (float) threshold) {
                parts.add(part);
            }
        }
        trace.put("infer.max_values", max::clone);
        trace.put("infer.min_values", min::clone);
        trace.put("infer.passed_indices", () -> {
            float[] passed = new float[parts.size()];
            for (int i = 0; i < passed.length; i++) {
                passed[i] = parts.get(i);
            }
            return passed;
        });
        if (parts.isEmpty()) {
            return null;
        }
        NDArray first = cross.get(parts.get(0));                                // [L*L]
        NDList rows = new NDList(NDArrays.where(first.gt(first.mean()), first, first.zerosLike()).expandDims(0));
        for (int i = 1; i < parts.size(); i++) {
            rows.add(cross.get(parts.get(i)).expandDims(0));                   // [1, L*L]
        }
        NDArray kept = Segmenter.batch(rows);                                           // [K', L*L]
        trace.put("infer.cross_kept", kept::toFloatArray);
        return new Kept(parts, kept, max, min);
    }
}
