package org.slime4j.core.schedule;

import ai.djl.ndarray.NDArray;
import org.slime4j.core.config.SchedulerConfig;
import org.slime4j.core.nn.Nn;

/**
 * The scaled-linear DDPM schedule of Stable Diffusion, computed in fp32 in the same order as PyTorch:
 * {@code betas = linspace(√β₀, √β₁, T)²}, {@code alphas_cumprod = cumprod(1 - betas)}. Immutable.
 */
public final class NoiseSchedule {
    private final float[] alphasCumprod;

    public NoiseSchedule(SchedulerConfig c) {
        int n = c.numTrainTimesteps();
        float start = (float) Math.sqrt(c.betaStart());
        float end = (float) Math.sqrt(c.betaEnd());
        float step = (end - start) / (n - 1);
        alphasCumprod = new float[n];
        float product = 1f;
        for (int i = 0; i < n; i++) {
            float root = i < n / 2 ? start + step * i : end - step * (n - i - 1); // torch.linspace
            float beta = root * root;
            product *= 1f - beta;
            alphasCumprod[i] = product;
        }
    }

    public int steps() {
        return alphasCumprod.length;
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** {@code √ᾱ_t · x + √(1 - ᾱ_t) · noise}, in the manager of {@code x}. */
    public NDArray addNoise(NDArray x, NDArray noise, int t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " is outside 0.." + (alphasCumprod.length - 1));
        }
        float a = alphasCumprod[t];
        try (NDArray signal = Nn.constant(x.getManager(), (float) Math.sqrt(a));
             NDArray rest = Nn.constant(x.getManager(), (float) Math.sqrt(1f - a));
             NDArray s = x.mul(signal); NDArray r = noise.mul(rest)) {
            return s.add(r);
        }
    }
}
