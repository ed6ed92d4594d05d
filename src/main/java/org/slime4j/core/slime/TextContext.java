package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.model.StableDiffusion;

/**
 * The fixed part of SLiMe's context: the text encoder's OUTPUT for the prompt ({@code part} × K unless given) and
 * for the empty prompt. Positions 1..K-1 of the prompt's encoding are replaced by the learned vectors; everything
 * else stays as encoded. Plain float arrays, so it can be stored, compared and shared between threads.
 *
 * @param text   [77·D] encoding of the prompt, row-major
 * @param uncond [77·D] encoding of ""
 */
public record TextContext(int parts, int length, int width, float[] text, float[] uncond) {
    /** The prompt SLiMe uses for K parts: the word {@code part} K times. */
    public static String defaultPrompt(int parts) {
        return String.join(" ", Collections.nCopies(parts, "part"));
    }

    /** Encodes {@code prompt} (null: the default) and "" with the model's text encoder (loading it if needed). */
    public static TextContext encode(StableDiffusion sd, int parts, String prompt) {
        if (parts < 2) {
            throw new IllegalArgumentException("SLiMe needs at least 2 parts (background and one more), got " + parts);
        }
        int length = sd.tokenizer().length();
        if (parts > length - 1) {
            throw new IllegalArgumentException(parts + " parts do not fit in " + length + " tokens");
        }
        try (NDManager m = sd.manager().newSubManager()) {
            String p = prompt == null ? defaultPrompt(parts) : prompt;
            NDArray ids = Owned.copy(m.create(concat(sd.tokenizer().encode(p), sd.tokenizer().encode("")),
                    new Shape(2, length)));                                      // [2, 77]
            NDArray out = sd.textEncoder().forward(ids);                         // [2, 77, D]
            int width = (int) out.getShape().get(2);
            float[] both = out.toFloatArray();
            float[] text = java.util.Arrays.copyOfRange(both, 0, length * width);
            float[] uncond = java.util.Arrays.copyOfRange(both, length * width, 2 * length * width);
            return new TextContext(parts, length, width, text, uncond);
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The initial learned vectors: the prompt's encoding at positions 1..K-1. [K-1][D]. */
    public float[][] initialVectors() {
        float[][] v = new float[parts - 1][];
        for (int i = 0; i < parts - 1; i++) {
            v[i] = java.util.Arrays.copyOfRange(text, (i + 1) * width, (i + 2) * width);
        }
        return v;
    }

    /**
     * The UNet context {@code [uncond; text with positions 1..K-1 replaced by vectors]} [2, 77, D], differentiable
     * in {@code vectors} ([1, D] each), as the reference builds it.
     */
    public NDArray context(NDManager m, List<NDArray> vectors) {
        try (NDArray u = uncond(m); NDArray t = text(m, vectors)) {
            return u.concat(t, 0);                                               // [2, 77, D]
        }
    }

    /** The text half of the context, differentiable in {@code vectors}: [1, 77, D]. */
    public NDArray text(NDManager m, List<NDArray> vectors) {
        NDArray full = constant(m, text);                                        // [77, D]
        List<NDArray> rows = new ArrayList<>();
        rows.add(full.get("0:1"));                                               // start token
        for (NDArray v : vectors) {
            rows.add(v.reshape(1, width));
        }
        rows.add(full.get(parts + ":"));                                         // the rest, fixed
        try (NDArray learned = NDArrays.concat(new NDList(rows), 0)) {          // [77, D]
            return learned.expandDims(0);                                        // [1, 77, D]
        }
    }

    /** The unconditional half: the encoding of "" [1, 77, D]. */
    public NDArray uncond(NDManager m) {
        try (NDArray u = constant(m, uncond)) {
            return u.expandDims(0);
        }
    }

    private NDArray constant(NDManager m, float[] values) {
        return Owned.copy(m.create(values, new Shape(length, width)));
    }
}
