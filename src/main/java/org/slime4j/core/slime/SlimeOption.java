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
    WORKING_SIZE("working_size", "--size", Type.INT, "512", Range.multipleOf(8), SlimeOptions::workingSize,
            "working size S: the image, or each tile, is resized to S×S (256 is ~4x faster on a CPU)"),
    CROSS_LAYERS("cross_layers", null, Type.LAYERS, String.join(",", SlimeOptions.DEFAULT_CROSS_LAYERS), Range.ANY,
            SlimeOptions::crossLayers, "module paths whose cross-attention scores make the part maps"),
    SELF_LAYERS("self_layers", null, Type.LAYERS, String.join(",", SlimeOptions.DEFAULT_SELF_LAYERS), Range.ANY,
            SlimeOptions::selfLayers, "module paths whose self-attention scores make the self map"),
    TRAIN_T_MIN("train_t_min", null, Type.INT, "5", Range.between(0, 999), SlimeOptions::trainTMin,
            "smallest diffusion step drawn in training"),
    TRAIN_T_MAX("train_t_max", null, Type.INT, "100", Range.between(0, 999), SlimeOptions::trainTMax,
            "largest diffusion step drawn in training"),
    TEST_T("test_t", null, Type.INT, "100", Range.between(0, 999), SlimeOptions::testT,
            "diffusion step of segmentation"),
    LEARNING_RATE("learning_rate", "--lr", Type.DECIMAL, "0.1", Range.above(0), SlimeOptions::learningRate,
            "Adam's learning rate on the learned vectors"),
    SD_LOSS_COEF("sd_loss_coef", null, Type.DECIMAL, "0.005", Range.atLeast(0), SlimeOptions::sdLossCoef,
            "weight of the noise-prediction loss"),
    SELF_ATTENTION_LOSS_COEF("self_attention_loss_coef", null, Type.DECIMAL, "1.0", Range.atLeast(0),
            SlimeOptions::selfAttentionLossCoef, "weight of the WAS-map loss"),
    GUIDANCE_SCALE("guidance_scale", null, Type.DECIMAL, "100", Range.atLeast(0), SlimeOptions::guidanceScale,
            "classifier-free guidance in the noise-prediction loss"),
    EPOCHS("epochs", "--epochs", Type.INT, "200", Range.atLeast(1), SlimeOptions::epochs,
            "training epochs (the paper's 200)"),
    PATCH_THRESHOLD("patch_threshold", null, Type.DECIMAL, "0.2", Range.between(0, 1), SlimeOptions::patchThreshold,
            "parts whose cross map peaks below this are dropped from a crop"),
    PATCHES_PER_SIDE("patches_per_side", null, Type.INT, "1", Range.atLeast(1), SlimeOptions::patchesPerSide,
            "n: segmentation runs n×n crops"),
    PATCH_SIZE("patch_size", null, Type.INT, "0", Range.atLeast(0), SlimeOptions::patchSize,
            "P: side of a crop in working pixels (0: S)"),
    AUGMENT("augment", "--augment", Type.FLAG, "true", Range.ANY, SlimeOptions::augment,
            "flip, blur, crop and rotate the training samples as the reference does"),
    MIN_CROP_RATIO("min_crop_ratio", null, Type.DECIMAL, "0.8", Range.fraction(), SlimeOptions::minCropRatio,
            "smallest crop side of the augmentation, as a fraction of S"),
    SEED("seed", "--seed", Type.LONG, "42", Range.ANY, SlimeOptions::seed,
            "random seed of every draw: the same seed, the same result");

    /**
     * The values a number may take: at least (or above) {@code min}, at most {@code max}, a multiple of
     * {@code multipleOf} (0: any); {@link #words} says it in a message.
     */
    public record Range(double min, boolean minIncluded, double max, int multipleOf) {
        static final Range ANY = new Range(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, 0);

        static Range atLeast(double min) {
            return new Range(min, true, Double.POSITIVE_INFINITY, 0);
        }

        static Range above(double min) {
            return new Range(min, false, Double.POSITIVE_INFINITY, 0);
        }

        static Range between(double min, double max) {
            return new Range(min, true, max, 0);
        }

        static Range fraction() {
            return new Range(0, false, 1, 0);
        }

        static Range multipleOf(int n) {
            return new Range(n, true, Double.POSITIVE_INFINITY, n);
        }

        boolean allows(double v) {
            return (minIncluded ? v >= min : v > min) && v <= max && (multipleOf == 0 || v % multipleOf == 0);
        }

        /** "a whole number >= 1", "a number > 0", "a multiple of 8", "a number in 0..1", ... */
        String words(Type type) {
            String number = type == Type.DECIMAL ? "a number" : "a whole number";
            if (multipleOf > 0) {
                return "a multiple of " + multipleOf;
            }
            String lo = (minIncluded ? " >= " : " > ") + text(min);
            if (max == Double.POSITIVE_INFINITY) {
                return min == Double.NEGATIVE_INFINITY ? number : number + lo;
            }
            return minIncluded ? number + " in " + text(min) + ".." + text(max) : number + lo + " and <= " + text(max);
        }

        private static String text(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** How an option's value is written and read. */
    public enum Type { INT, LONG, DECIMAL, FLAG, LAYERS }

    private final String key;
    private final String flag;
    private final Type type;
    private final String defaultText;
    private final Range range;
    private final Function<SlimeOptions, Object> get;
    private final String help;

    SlimeOption(String key, String flag, Type type, String defaultText, Range range, Function<SlimeOptions, Object> get,
                String help) {
        this.key = key;
        this.flag = flag;
        this.type = type;
        this.defaultText = defaultText;
        this.range = range;
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
            throw new IllegalArgumentException(key + " must be " + allowed() + ", got '" + text + "'");
        }
    }

    /** What this option allows, in words: "a whole number >= 1", "true or false", ... */
    public String allowed() {
        return switch (type) {
            case INT, LONG, DECIMAL -> range.words(type);
            case FLAG -> "true or false";
            case LAYERS -> "a comma-separated list of module paths";
        };
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
        if (v instanceof Number n && !range.allows(n.doubleValue())) {
            throw new IllegalArgumentException(key + " must be " + allowed() + ", got '" + format(v) + "'");
        }
        if (v instanceof List<?> list && (list.isEmpty() || list.stream().anyMatch(s -> s.toString().isBlank()))) {
            throw new IllegalArgumentException(key + " must name at least one module path, got " + list);
        }
        return v;
    }
}
