package org.slime4j.core.engine;

import java.util.Map;

/**
 * How a base model runs, fixed when it is opened ({@code StableDiffusion.load(path, execution)}):
 * none of these change a result, only where and how fast it is computed and how much memory it takes.
 *
 * @param device         where the weights live and the arithmetic runs
 * @param precision      the UNet's weights and arithmetic (fp16: segmentation on GPUs)
 * @param attentionSlice memory option (diffusers' attention slicing): attention layers whose full scores SLiMe does not
 *                       keep compute this many query rows at a time, so their largest transient array is [heads,
 *                       rows, keys] instead of [heads, Q, keys] (at S = 512, SD 2.1: 335 MB per 64×64 layer); 0 (the
 *                       default) computes all queries at once
 * @param cropsPerPass   speed option for segmentation: how many crops (of one image, or tiles of a large one) go
 *                       through the VAE and the UNet as one batch; memory grows with each (see the README). Default 1
 */
public record Execution(DeviceChoice device, Precision precision, int attentionSlice, int cropsPerPass) {
    /** The environment variable a Fiji or macro user sets for {@link #attentionSlice}. */
    public static final String ATTENTION_SLICE_VARIABLE = "SLIME_ATTENTION_SLICE";
    /** The environment variable a Fiji or macro user sets for {@link #cropsPerPass}. */
    public static final String CROPS_PER_PASS_VARIABLE = "SLIME_CROPS_PER_PASS";

    public Execution {
        if (device == null || precision == null) {
            throw new IllegalArgumentException("an execution needs a device and a precision");
        }
        if (attentionSlice < 0) {
            throw new IllegalArgumentException("attention slice must be >= 0 rows, got " + attentionSlice);
        }
        if (cropsPerPass < 1) {
            throw new IllegalArgumentException("crops per pass must be >= 1, got " + cropsPerPass);
        }
    }

    /** The automatic device, fp32, no slicing, one crop per pass. */
    public static Execution defaults() {
        return new Execution(DeviceChoice.AUTO, Precision.FP32, 0, 1);
    }

    /** The defaults on {@code device}. */
    public static Execution on(DeviceChoice device) {
        return defaults().withDevice(device);
    }

    /**
     * The defaults with the memory and speed options of {@code env} ({@value #ATTENTION_SLICE_VARIABLE},
     * {@value #CROPS_PER_PASS_VARIABLE}; unset or blank: the default); a bad value is an error naming the variable.
     */
    public static Execution fromEnvironment(Map<String, String> env) {
        Execution d = defaults();
        return d.withAttentionSlice(number(env, ATTENTION_SLICE_VARIABLE, d.attentionSlice(), 0))
                .withCropsPerPass(number(env, CROPS_PER_PASS_VARIABLE, d.cropsPerPass(), 1));
    }

    public Execution withDevice(DeviceChoice v) {
        return new Execution(v, precision, attentionSlice, cropsPerPass);
    }

    public Execution withPrecision(Precision v) {
        return new Execution(device, v, attentionSlice, cropsPerPass);
    }

    public Execution withAttentionSlice(int v) {
        return new Execution(device, precision, v, cropsPerPass);
    }

    public Execution withCropsPerPass(int v) {
        return new Execution(device, precision, attentionSlice, v);
    }

    private static int number(Map<String, String> env, String name, int fallback, int min) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", got '" + value + "'");
    }
}
