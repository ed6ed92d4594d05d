package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.slime4j.core.weights.Owned;
import ai.djl.ndarray.types.Shape;

/**
 * {@code F.interpolate(x, size, mode="bilinear", align_corners=False)} without antialiasing, as two products with
 * interpolation matrices (DJL's own resize antialiases when shrinking). Exact PyTorch source-index arithmetic in fp32;
 * differentiable; the identity when the size does not change.
 */
final class Resize {
    private Resize() {
    }

    /**
     * PyTorch's source index of each output sample ({@code upsample_bilinear2d}, align_corners=False, no antialias):
     * output {@code o} is {@code lambda0·in[i0] + lambda1·in[i0 + step]}. The one place of this arithmetic.
     */
    record Tap(int i0, int step, float lambda0, float lambda1) {
        static Tap[] of(int in, int out) {
            Tap[] taps = new Tap[out];
            float scale = (float) in / out;
            for (int o = 0; o < out; o++) {
                float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
                int i0 = (int) src;
                float lambda1 = src - i0;
                taps[o] = new Tap(i0, i0 < in - 1 ? 1 : 0, 1f - lambda1, lambda1);
            }
            return taps;
        }
    }

    /** The [out, in] matrix mapping a line of {@code in} samples to {@code out} samples. */
    static float[] weights(int in, int out) {
        float[] m = new float[out * in];
        Tap[] taps = Tap.of(in, out);
        for (int o = 0; o < out; o++) {
            m[o * in + taps[o].i0()] += taps[o].lambda0();
            m[o * in + taps[o].i0() + taps[o].step()] += taps[o].lambda1();
        }
        return m;
    }

    /** The same resize of {@code planes} row-major h×w planes of Java floats: [planes, h, w] -> [planes, outH, outW]. */
    static float[] bilinear(float[] in, int planes, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return in;
        }
        Tap[] ys = Tap.of(h, outH);
        Tap[] xs = Tap.of(w, outW);
        float[] out = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++) {
            int src = p * h * w;
            int dst = p * outH * outW;
            for (int y = 0; y < outH; y++) {
                Tap ty = ys[y];
                int r0 = src + ty.i0() * w;
                int r1 = r0 + ty.step() * w;
                for (int x = 0; x < outW; x++) {
                    Tap tx = xs[x];
                    int c0 = tx.i0();
                    int c1 = c0 + tx.step();
                    out[dst + y * outW + x] = ty.lambda0() * (tx.lambda0() * in[r0 + c0] + tx.lambda1() * in[r0 + c1])
                            + ty.lambda1() * (tx.lambda0() * in[r1 + c0] + tx.lambda1() * in[r1 + c1]);
                }
            }
        }
        return out;
    }

    private static NDArray matrix(NDManager manager, int in, int out) {
        return Owned.copy(manager.create(weights(in, out), new Shape(out, in)));
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
