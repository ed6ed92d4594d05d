package org.slime4j.core.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.slime4j.core.config.VaeConfig;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * The encoding half of diffusers {@code AutoencoderKL}: image -> diagonal Gaussian over latents, and Stable
 * Diffusion's {@code encode_imgs}: {@code (mean + std·eps) · scaling_factor} of {@code 2·image - 1}.
 * Thread-safe once built.
 */
public final class AutoencoderKL {
    private final VaeConfig config;
    private final Encoder encoder;
    private final Conv2d quantConv;
    private final NDArray two;
    private final NDArray one;
    private final NDArray half;
    private final NDArray scaling;

    public AutoencoderKL(WeightStore w, VaeConfig c) {
        this.config = c;
        encoder = new Encoder(w, "encoder", c);
        quantConv = new Conv2d(w, "quant_conv", 2 * c.latentChannels(), 2 * c.latentChannels(), 1, 1, 0);
        two = Nn.constant(w.manager(), 2);
        one = Nn.constant(w.manager(), 1);
        half = Nn.constant(w.manager(), 0.5);
        scaling = Nn.constant(w.manager(), c.scalingFactor());
    }

    public VaeConfig config() {
        return config;
    }

    /** The posterior's mean and log-variance (clamped to [-30, 20]); the caller closes both. */
    public record LatentDistribution(NDArray mean, NDArray logvar) implements AutoCloseable {
        @Override
        public void close() {
            mean.close();
            logvar.close();
        }
    }

    /** image in [-1, 1] [N, 3, H, W] -> mean, logvar [N, latent, H/8, W/8]. */
    public LatentDistribution encode(NDArray image) {
        try (NDArray h = encoder.forward(image);                                  // [N, 2·latent, h, w]
             NDArray moments = quantConv.forward(h);
             NDList parts = moments.split(2, 1);
             NDArray logvar = parts.get(1).clip(-30, 20)) {                      // [N, latent, h, w]
            return new LatentDistribution(parts.get(0).duplicate(), logvar.duplicate());
        }
    }

    /** {@code exp(0.5 · logvar)} [N, latent, h, w]. */
    public NDArray std(LatentDistribution d) {
        try (NDArray scaled = d.logvar().mul(half)) {
            return scaled.exp();
        }
    }

    /**
     * Stable Diffusion's {@code encode_imgs}: image in [0, 1] [N, 3, H, W] and standard-normal {@code eps}
     * [N, latent, H/8, W/8] -> {@code (mean + std·eps) · scaling_factor}.
     */
    public NDArray encodeImages(NDArray image01, NDArray eps) {
        try (Moments d = moments(image01)) {
            return sample(d, eps);
        }
    }

    /** The posterior's mean and standard deviation, [N, latent, h, w] each; the caller closes both. */
    public record Moments(NDArray mean, NDArray std) implements AutoCloseable {
        @Override
        public void close() {
            mean.close();
            std.close();
        }
    }

    /** The first half of {@link #encodeImages}: image in [0, 1] [N, 3, H, W] -> the posterior's moments. */
    public Moments moments(NDArray image01) {
        try (NDArray doubled = image01.mul(two); NDArray signed = doubled.sub(one); // [N, 3, H, W] in [-1, 1]
             LatentDistribution d = encode(signed)) {
            return new Moments(d.mean().duplicate(), std(d));                    // [N, latent, h, w] each
        }
    }

    /** The second half of {@link #encodeImages}: {@code (mean + std·eps) · scaling_factor}, [N, latent, h, w]. */
    public NDArray sample(Moments d, NDArray eps) {
        try (NDArray noise = d.std().mul(eps); NDArray sample = d.mean().add(noise)) { // [N, latent, h, w]
            return sample.mul(scaling);
        }
    }
}
