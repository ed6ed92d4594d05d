package org.slime4j.core.slime;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between {@link SlimeOptions} and a {@code .slime} file's metadata: the working size and the layers
 * as keys of their own (format 1), every other option in the JSON object {@code options}. A key missing from an older
 * file reads as its default. A new option is one line in each direction here.
 */
final class OptionsMetadata {
    private static final Gson GSON = new Gson();
    private static final java.lang.reflect.Type STRINGS = new TypeToken<List<String>>() { }.getType();

    private OptionsMetadata() {
    }

    /** The metadata keys and values that store {@code o}. */
    static Map<String, String> write(SlimeOptions o) {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("test_t", o.testT());
        opts.put("patch_threshold", o.patchThreshold());
        opts.put("patches_per_side", o.patchesPerSide());
        opts.put("patch_size", o.patchSize());
        opts.put("epochs", o.epochs());
        opts.put("learning_rate", o.learningRate());
        opts.put("seed", o.seed());
        opts.put("train_t_min", o.trainTMin());
        opts.put("train_t_max", o.trainTMax());
        opts.put("sd_loss_coef", o.sdLossCoef());
        opts.put("self_attention_loss_coef", o.selfAttentionLossCoef());
        opts.put("guidance_scale", o.guidanceScale());
        opts.put("augment", o.augment());
        opts.put("min_crop_ratio", o.minCropRatio());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("working_size", Integer.toString(o.workingSize()));
        meta.put("cross_layers", GSON.toJson(o.crossLayers()));
        meta.put("self_layers", GSON.toJson(o.selfLayers()));
        meta.put("options", GSON.toJson(opts));
        return meta;
    }

    /**
     * The options stored by {@link #write}; {@code required} reads a key that must be there (or throws naming it).
     */
    static SlimeOptions read(java.util.function.Function<String, String> required) {
        Map<String, Object> opts = GSON.fromJson(required.apply("options"),
                new TypeToken<Map<String, Object>>() { }.getType());
        SlimeOptions d = SlimeOptions.defaults();                          // all at once: some fields bound others
        return new SlimeOptions(Integer.parseInt(required.apply("working_size")),
                GSON.fromJson(required.apply("cross_layers"), STRINGS),
                GSON.fromJson(required.apply("self_layers"), STRINGS),
                number(opts, "train_t_min", d.trainTMin()),
                number(opts, "train_t_max", d.trainTMax()),
                number(opts, "test_t", d.testT()),
                decimal(opts, "learning_rate", d.learningRate()),
                decimal(opts, "sd_loss_coef", d.sdLossCoef()),
                decimal(opts, "self_attention_loss_coef", d.selfAttentionLossCoef()),
                decimal(opts, "guidance_scale", d.guidanceScale()),
                number(opts, "epochs", d.epochs()),
                decimal(opts, "patch_threshold", d.patchThreshold()),
                number(opts, "patches_per_side", d.patchesPerSide()),
                number(opts, "patch_size", d.patchSize()),
                !Boolean.FALSE.equals(opts.get("augment")),
                decimal(opts, "min_crop_ratio", d.minCropRatio()),
                (long) decimal(opts, "seed", d.seed()));
    }

    private static int number(Map<String, Object> opts, String key, int fallback) {
        return opts.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    private static double decimal(Map<String, Object> opts, String key, double fallback) {
        return opts.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }
}
