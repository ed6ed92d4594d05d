package org.slime4j.core.slime;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The one description of each option of {@link SlimeOptions}: its key (the macro key, the SciJava field name and the
 * {@code .slime} metadata key), type, default, allowed range, help, and its command-line flag where the CLI offers
 * it. Defaults, range checks, the {@code .slime} round trip and every front end's field or flag come from here; a
 * new option is a constant here, its record component and the place the core uses it.
 */
public enum SlimeOption {
    WORKING_SIZE("working_size", "--size", Type.INT, "512", 8, 8192, 8, SlimeOptions::workingSize,
            "working size S: the image, or each tile, is resized to S×S (a multiple of 8; 256 is ~4x faster on a "
                    + "CPU)"),
    CROSS_LAYERS("cross_layers", null, Type.LAYERS, String.join(",", SlimeOptions.DEFAULT_CROSS_LAYERS), 0, 0, 0,
            SlimeOptions::crossLayers, "module paths whose cross-attention scores make the part maps"),
    SELF_LAYERS("self_layers", null, Type.LAYERS, String.join(",", SlimeOptions.DEFAULT_SELF_LAYERS), 0, 0, 0,
            SlimeOptions::selfLayers, "module paths whose self-attention scores make the self map"),
    TRAIN_T_MIN("train_t_min", null, Type.INT, "5", 0, 999, 0, SlimeOptions::trainTMin,
            "smallest diffusion step drawn in training"),
    TRAIN_T_MAX("train_t_max", null, Type.INT, "100", 0, 999, 0, SlimeOptions::trainTMax,
            "largest diffusion step drawn in training"),
    TEST_T("test_t", null, Type.INT, "100", 0, 999, 0, SlimeOptions::testT, "diffusion step of segmentation"),
    LEARNING_RATE("learning_rate", "--lr", Type.DECIMAL, "0.1", 1e-9, 1e3, 0, SlimeOptions::learningRate,
            "Adam's learning rate on the learned vectors"),
    SD_LOSS_COEF("sd_loss_coef", null, Type.DECIMAL, "0.005", 0, 1e6, 0, SlimeOptions::sdLossCoef,
            "weight of the noise-prediction loss"),
    SELF_ATTENTION_LOSS_COEF("self_attention_loss_coef", null, Type.DECIMAL, "1.0", 0, 1e6, 0,
            SlimeOptions::selfAttentionLossCoef, "weight of the WAS-map loss"),
    GUIDANCE_SCALE("guidance_scale", null, Type.DECIMAL, "100", 0, 1e6, 0, SlimeOptions::guidanceScale,
            "classifier-free guidance in the noise-prediction loss"),
    EPOCHS("epochs", "--epochs", Type.INT, "200", 0, 1_000_000, 0, SlimeOptions::epochs,
            "training epochs (the paper's 200)"),
    PATCH_THRESHOLD("patch_threshold", null, Type.DECIMAL, "0.2", 0, 1, 0, SlimeOptions::patchThreshold,
            "parts whose cross map peaks below this are dropped from a crop"),
    PATCHES_PER_SIDE("patches_per_side", null, Type.INT, "1", 1, 64, 0, SlimeOptions::patchesPerSide,
            "n: segmentation runs n×n crops"),
    PATCH_SIZE("patch_size", null, Type.INT, "0", 0, 8192, 0, SlimeOptions::patchSize,
            "P: side of a crop in working pixels (0: S)"),
    AUGMENT("augment", "--augment", Type.FLAG, "true", 0, 0, 0, SlimeOptions::augment,
            "flip, blur, crop and rotate the training samples as the reference does"),
    MIN_CROP_RATIO("min_crop_ratio", null, Type.DECIMAL, "0.8", 1e-3, 1, 0, SlimeOptions::minCropRatio,
            "smallest crop side of the augmentation, as a fraction of S"),
    SEED("seed", "--seed", Type.LONG, "42", Long.MIN_VALUE, Long.MAX_VALUE, 0, SlimeOptions::seed,
            "random seed of every draw: the same seed, the same result");

    /** How an option's value is written and read. */
    public enum Type { INT, LONG, DECIMAL, FLAG, LAYERS }

    private final String key;
    private final String flag;
    private final Type type;
    private final String defaultText;
    private final double min;
    private final double max;
    private final int multipleOf;
    private final Function<SlimeOptions, Object> get;
    private final String help;

    SlimeOption(String key, String flag, Type type, String defaultText, double min, double max, int multipleOf,
                Function<SlimeOptions, Object> get, String help) {
        this.key = key;
        this.flag = flag;
        this.type = type;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.multipleOf = multipleOf;
        this.get = get;
        this.help = help;
    }

    /** The macro key, SciJava field name and {@code .slime} metadata key. */
    public String key() {
        return key;
    }

    /** The CLI flag ({@code --size}); null where the command line does not offer the option. */
    public String flag() {
        return flag;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    /** The default, as {@link #parse} reads it. */
    public Object defaultValue() {
        return parse(defaultText);
    }

    /** The default as text, as a field or flag shows it. */
    public String defaultText() {
        return format(defaultValue());
    }

    /** This option's value in {@code o}. */
    public Object of(SlimeOptions o) {
        return get.apply(o);
    }

    /** The option whose key is {@code key}, or null. */
    public static SlimeOption byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst().orElse(null);
    }

    /** The options a user sets in the front ends: those with a command-line flag. */
    public static List<SlimeOption> offered() {
        return Arrays.stream(values()).filter(o -> o.flag != null).toList();
    }

    /**
     * {@code text} as this option's value ({@code true/false} for a flag, a comma-separated list for layers, a whole
     * number read exactly for seeds), checked against the allowed range; an error names the key, the value and what
     * is allowed.
     */
    public Object parse(String text) {
        String t = text == null ? "" : text.trim();
        try {
            return check(switch (type) {
                case INT -> Integer.valueOf(t);
                case LONG -> Long.valueOf(t);
                case DECIMAL -> Double.valueOf(t);
                case FLAG -> {
                    if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                        throw new NumberFormatException();
                    }
                    yield Boolean.valueOf(t);
                }
                case LAYERS -> List.of(t.split("\\s*,\\s*"));
            });
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be " + switch (type) {
                case INT, LONG -> "a whole number";
                case DECIMAL -> "a number";
                case FLAG -> "true or false";
                case LAYERS -> "a comma-separated list of module paths";
            } + ", got '" + text + "'");
        }
    }

    /** {@code value} (a number of any boxed type, a boolean, a list) as this option's type, checked. */
    public Object coerce(Object value) {
        if (value instanceof Number n && type != Type.FLAG && type != Type.LAYERS) {
            return check(switch (type) {
                case INT -> {
                    if (n.doubleValue() != n.intValue()) {
                        throw new IllegalArgumentException(key + " must be a whole number, got " + n);
                    }
                    yield n.intValue();
                }
                case LONG -> {
                    if (!(n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte)
                            && n.doubleValue() != n.longValue()) {
                        throw new IllegalArgumentException(key + " must be a whole number, got " + n);
                    }
                    yield n.longValue();
                }
                default -> n.doubleValue();
            });
        }
        if (value instanceof List<?> list && type == Type.LAYERS) {
            return check(list.stream().map(Object::toString).toList());
        }
        if (value instanceof Boolean || value instanceof String) {
            return parse(value.toString());
        }
        throw new IllegalArgumentException(key + " cannot be " + value);
    }

    /** The value as text that {@link #parse} reads back exactly. */
    public String format(Object value) {
        return value instanceof List<?> list ? String.join(",", list.stream().map(Object::toString).toList())
                : String.valueOf(value);
    }

    private Object check(Object v) {
        if (v instanceof Number n && type != Type.LONG) {
            double d = n.doubleValue();
            if (!(d >= min && d <= max) || (multipleOf > 0 && n.intValue() % multipleOf != 0)) {
                throw new IllegalArgumentException(key + " must be " + (multipleOf > 0 ? "a multiple of " + multipleOf
                        + " " : "") + "in " + format(type == Type.INT ? (Object) (int) min : min) + ".."
                        + format(type == Type.INT ? (Object) (int) max : max) + ", got " + format(v));
            }
        }
        if (v instanceof List<?> list && list.stream().anyMatch(s -> s.toString().isBlank())) {
            throw new IllegalArgumentException(key + " must name at least one module path, got " + list);
        }
        return v;
    }
}
