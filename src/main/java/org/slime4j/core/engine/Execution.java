package org.slime4j.core.engine;

import java.util.EnumMap;
import java.util.Map;

/**
 * How a base model runs, fixed when it is opened ({@code StableDiffusion.load(path, execution)}):
 * none of these change a result, only where and how fast it is computed, how much memory it takes and whether that
 * is checked first.
 *
 * @param device         where the weights live and the arithmetic runs
 * @param precision      the UNet's weights and arithmetic (fp16: segmentation on GPUs)
 * @param attentionSlice memory option (diffusers' attention slicing): attention layers whose full scores SLiMe does not
 *                       keep compute this many query rows at a time, so their largest transient array is [heads,
 *                       rows, keys] instead of [heads, Q, keys] (at S = 512, SD 2.1: 335 MB per 64×64 layer); 0 (the
 *                       default) computes all queries at once
 * @param cropsPerPass   speed option for segmentation: how many crops (of one image, or tiles of a large one) go
 *                       through the VAE and the UNet as one batch; memory grows with each (see the README). Default 1
 * @param memoryCheck    whether a run whose estimated peak memory exceeds what the process may use is refused
 *                       before it starts (default), or goes ahead
 */
public record Execution(DeviceChoice device, Precision precision, int attentionSlice, int cropsPerPass,
                        boolean memoryCheck) {
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

    /** The automatic device, fp32, no slicing, one crop per pass, the memory checked. */
    public static Execution defaults() {
        return new Execution(DeviceChoice.AUTO, Precision.FP32, 0, 1, true);
    }

    /** The defaults on {@code device}. */
    public static Execution on(DeviceChoice device) {
        return defaults().withDevice(device);
    }

    /**
     * The execution a front end asks for: each {@link ExecutionOption} from {@code given} (flags, dialog fields or
     * macro options; a blank or missing value is not given), else {@code env}'s variable, else the saved settings,
     * else the default. A bad value is an error naming where it came from.
     */
    public static Execution resolve(Map<ExecutionOption, String> given, Map<String, String> env) {
        Map<ExecutionOption, Object> v = new EnumMap<>(ExecutionOption.class);
        for (ExecutionOption o : ExecutionOption.values()) {
            String text = given.get(o);
            boolean fromFrontEnd = text != null && !text.isBlank();
            boolean fromEnvironment = !fromFrontEnd && env.get(o.variable()) != null && !env.get(o.variable()).isBlank();
            v.put(o, o.parse(fromFrontEnd ? text : o.initial(env), fromEnvironment ? o.variable() : o.key()));
        }
        return new Execution((DeviceChoice) v.get(ExecutionOption.DEVICE), (Precision) v.get(ExecutionOption.PRECISION),
                (int) v.get(ExecutionOption.ATTENTION_SLICE), (int) v.get(ExecutionOption.CROPS_PER_PASS),
                (boolean) v.get(ExecutionOption.MEMORY_CHECK));
    }

    /** {@link #resolve} with nothing given: the environment, the saved settings, the defaults. */
    public static Execution fromEnvironment(Map<String, String> env) {
        return resolve(Map.of(), env);
    }

    public Execution withDevice(DeviceChoice v) {
        return new Execution(v, precision, attentionSlice, cropsPerPass, memoryCheck);
    }

    public Execution withPrecision(Precision v) {
        return new Execution(device, v, attentionSlice, cropsPerPass, memoryCheck);
    }

    public Execution withAttentionSlice(int v) {
        return new Execution(device, precision, v, cropsPerPass, memoryCheck);
    }

    public Execution withCropsPerPass(int v) {
        return new Execution(device, precision, attentionSlice, v, memoryCheck);
    }

    public Execution withMemoryCheck(boolean v) {
        return new Execution(device, precision, attentionSlice, cropsPerPass, v);
    }

}
