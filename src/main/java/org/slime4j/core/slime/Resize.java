package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code F.interpolate(x, size, mode="bilinear", align_corners=False)} without antialiasing, as two products with
 * interpolation matrices (DJL's own resize antialiases when shrinking). Exact PyTorch source-index arithmetic in fp32;
 * differentiable; the identity when the size does not change.
 */
public final class Resize {
    private Resize() {
    }

    /** The [out, in] matrix mapping a line of {@code in} samples to {@code out} samples. */
    static float[] weights(int in, int out) {
        float[] m = new float[out * in];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float src = scale * (o + 0.5f) - 0.5f;
            if (src < 0) {
                src = 0;
            }
            int i0 = (int) src;
            int step = i0 < in - 1 ? 1 : 0;
            float lambda1 = src - i0;
            float lambda0 = 1f - lambda1;
            m[o * in + i0] += lambda0;
            m[o * in + i0 + step] += lambda1;
        }
        return m;
    }

    private static NDArray matrix(NDManager manager, int in, int out) {
        try (NDArray alias = manager.create(weights(in, out), new Shape(out, in))) {
            return alias.duplicate();
        }
    }

    /** [..., h, w] -> [..., outH, outW]; the result belongs to {@code manager}. */
    public static NDArray bilinear(NDManager manager, NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        if (h == outH && w == outW) {
            NDArray view = x.reshape(s);                                         // a view; duplicate() would detach
            view.attach(manager);        // as promised: what is computed from it then belongs to manager, not to x's
            return view;
        }
        try (NDArray rows = matrix(manager, h, outH);                            // [outH, h]
             NDArray cols = matrix(manager, w, outW);                            // [outW, w]
             NDArray colsT = cols.transpose();                                   // [w, outW]
             NDArray wide = x.matMul(colsT)) {                                   // [..., h, outW]
            return rows.matMul(wide);                                            // [..., outH, outW]
        }
    }
}
