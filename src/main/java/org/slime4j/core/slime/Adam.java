package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * PyTorch 1.13's single-tensor Adam (no weight decay, no amsgrad) on the learned vectors [K-1, D], on the device
 * where they live, in fp32 and in the same order of operations, one elementwise op at a time:
 * {@code m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g·g; p -= (lr/(1-β₁ᵏ)) · m / (√v/√(1-β₂ᵏ) + ε)}. Its state (moments,
 * step count) carries across steps and lives in the manager it was made with. Not thread-safe.
 */
public final class Adam {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    private static final float ONE_MINUS_BETA1 = (float) (1 - 0.9);
    private static final float ONE_MINUS_BETA2 = (float) (1 - 0.999);
    private final double lr;
    private NDArray m;
    private NDArray v;
    private int step;

    /** A fresh Adam for {@code vectors} rows of {@code width}, its state in {@code manager}. */
    public Adam(NDManager manager, double lr, int vectors, int width) {
        this(manager, lr, new float[vectors][width], new float[vectors][width], 0);
    }

    /** Adam continuing from a saved state: the moments {@code m}, {@code v} and the steps taken. */
    public Adam(NDManager manager, double lr, float[][] m, float[][] v, int steps) {
        this.lr = lr;
        this.m = Rows.toDevice(manager, m);
        this.v = Rows.toDevice(manager, v);
        this.step = steps;
    }

    /** The updated parameters (a new array in the state's manager) for {@code params} and their {@code grads}. */
    public NDArray step(NDArray params, NDArray grads) {
        step++;
        double biasCorrection1 = 1 - Math.pow(0.9, step);
        double biasCorrection2 = 1 - Math.pow(0.999, step);
        float stepSize = (float) (lr / biasCorrection1);
        float correction2Sqrt = (float) Math.sqrt(biasCorrection2);
        NDManager manager = m.getManager();
        NDArray m1;
        NDArray v1;
        NDArray p;
        try (NDManager scratch = manager.newSubManager()) {
            for (NDArray a : new NDArray[] {m, v, params, grads}) {
                a.tempAttach(scratch);                         // the intermediates go with scratch, these come back
            }
            m1 = m.mul(BETA1).add(grads.mul(ONE_MINUS_BETA1));                     // [K-1, D]
            v1 = v.mul(BETA2).add(grads.mul(ONE_MINUS_BETA2).mul(grads));           // [K-1, D]
            NDArray denom = v1.sqrt().div(correction2Sqrt).add(EPS);
            p = params.sub(m1.div(denom).mul(stepSize));
            for (NDArray kept : new NDArray[] {m1, v1, p}) {
                kept.attach(manager);
            }
        }
        m.close();
        v.close();
        m = m1;
        v = v1;
        return p;
    }

    public int steps() {
        return step;
    }

    /** The first moments, on the host (for a saved state). */
    public float[][] firstMoments() {
        return Rows.toHost(m);
    }

    /** The second moments, on the host (for a saved state). */
    public float[][] secondMoments() {
        return Rows.toHost(v);
    }
}
