package org.slime4j.core.slime;

/**
 * PyTorch 1.13's single-tensor Adam (no weight decay, no amsgrad) on the learned vectors, in fp32 in the same order
 * of operations: {@code m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²; p -= (lr/(1-β₁ᵏ)) · m / (√v/√(1-β₂ᵏ) + ε)}.
 * Its state (moments, step count) carries across steps. Not thread-safe.
 */
public final class Adam {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    private static final float ONE_MINUS_BETA1 = (float) (1 - 0.9);
    private static final float ONE_MINUS_BETA2 = (float) (1 - 0.999);
    private final double lr;
    private final float[][] m;
    private final float[][] v;
    private int step;

    public Adam(double lr, int vectors, int width) {
        this(lr, new float[vectors][width], new float[vectors][width], 0);
    }

    /** Adam continuing from a saved state: the moments {@code m}, {@code v} and the steps taken. */
    public Adam(double lr, float[][] m, float[][] v, int steps) {
        this.lr = lr;
        this.m = Trainer.copy(m);
        this.v = Trainer.copy(v);
        this.step = steps;
    }

    /** The first moments, a copy. */
    public float[][] firstMoments() {
        return Trainer.copy(m);
    }

    /** The second moments, a copy. */
    public float[][] secondMoments() {
        return Trainer.copy(v);
    }

    /** Updates {@code params} in place with {@code grads}. */
    public void step(float[][] params, float[][] grads) {
        step++;
        double biasCorrection1 = 1 - Math.pow(0.9, step);
        double biasCorrection2 = 1 - Math.pow(0.999, step);
        float stepSize = (float) (lr / biasCorrection1);
        float correction2Sqrt = (float) Math.sqrt(biasCorrection2);
        for (int i = 0; i < params.length; i++) {
            for (int j = 0; j < params[i].length; j++) {
                float g = grads[i][j];
                m[i][j] = m[i][j] * BETA1 + ONE_MINUS_BETA1 * g;
                v[i][j] = v[i][j] * BETA2 + ONE_MINUS_BETA2 * g * g;
                float denom = (float) Math.sqrt(v[i][j]) / correction2Sqrt + EPS;
                params[i][j] = params[i][j] - stepSize * (m[i][j] / denom);
            }
        }
    }

    public int steps() {
        return step;
    }
}
