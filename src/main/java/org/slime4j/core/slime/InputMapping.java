package org.slime4j.core.slime;

import java.util.Arrays;
import java.util.Locale;

/**
 * How raw microscopy pixels become the RGB [0, 1] image Stable Diffusion expects. The rule is stored in the
 * {@code .slime} file so that segmentation maps images as training did.
 *
 * <ul>
 *   <li>{@link #REFERENCE}: value / 255, clamped: exactly the reference on 8-bit RGB;</li>
 *   <li>{@link #PERCENTILE}: per image and channel, the 0.1 and 99.9 percentiles map to 0 and 1, clamped: for 16- and
 *       32-bit data whose range is unknown;</li>
 *   <li>{@link #AUTO}: REFERENCE for 8-bit input, PERCENTILE otherwise.</li>
 * </ul>
 * Channels: one is replicated to R, G and B; two give R = c0, G = c1, B = 0; three are R, G, B; of more, the first
 * three are used. Stateless and thread-safe.
 */
public enum InputMapping {
    REFERENCE, PERCENTILE, AUTO;

    static final double LOW = 0.1;
    static final double HIGH = 99.9;

    public static InputMapping parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input mapping '" + s + "' is not one of reference, percentile, auto");
        }
    }

    /** The rule actually applied to data of {@code bitDepth} (AUTO resolved). */
    public InputMapping resolve(int bitDepth) {
        return this != AUTO ? this : bitDepth == 8 || bitDepth == 24 ? REFERENCE : PERCENTILE;
    }

    /**
     * @param channels raw values per channel, each {@code width·height} long, row-major
     * @param bitDepth 8, 16 or 32 (24 for packed RGB)
     */
    public RgbImage apply(int width, int height, int bitDepth, float[]... channels) {
        if (channels.length == 0) {
            throw new IllegalArgumentException("an image needs at least one channel");
        }
        InputMapping rule = resolve(bitDepth);
        int n = width * height;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            float[] src = channels.length == 1 ? channels[0] : c < channels.length ? channels[c] : null;
            if (src == null) {
                continue;
            }
            if (src.length != n) {
                throw new IllegalArgumentException("channel " + c + " has " + src.length + " values, expected " + n);
            }
            float lo = 0;
            float scale = 1 / 255f;
            if (rule == PERCENTILE) {
                float[] sorted = src.clone();
                Arrays.sort(sorted);
                lo = percentile(sorted, LOW);
                float hi = percentile(sorted, HIGH);
                scale = hi > lo ? 1 / (hi - lo) : 0;
            }
            for (int i = 0; i < n; i++) {
                float v = rule == REFERENCE ? src[i] / 255f : (src[i] - lo) * scale;
                out[c * n + i] = Math.max(0f, Math.min(1f, v));
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Linear interpolation between closest ranks (numpy's default). */
    static float percentile(float[] sorted, double p) {
        double pos = p / 100 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return (float) (sorted[i] + (pos - i) * (sorted[j] - sorted[i]));
    }

    /** The name stored in a {@code .slime} file: "reference /255" or "percentile 0.1-99.9" (AUTO has none). */
    public String storedName() {
        return switch (this) {
            case REFERENCE -> "reference /255";
            case PERCENTILE -> "percentile " + LOW + "-" + HIGH;
            case AUTO -> throw new IllegalStateException("auto is resolved by the bit depth before it is stored");
        };
    }

    /** The rule a {@code .slime} file names ({@link #storedName()}; older files: a name starting with the rule's). */
    public static InputMapping fromStored(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("percentile")) {
            return PERCENTILE;
        }
        if (n.startsWith("reference")) {
            return REFERENCE;
        }
        throw new IllegalArgumentException("input mapping '" + name + "' is not reference or percentile");
    }
}
