package org.slime4j.fiji;

import java.io.IOException;
import java.nio.file.Path;
import org.slime4j.core.Slime;
import org.slime4j.core.StableDiffusion;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.model.Precision;

/**
 * Keeps the last opened base model, so that a macro or a folder of calls does not reload gigabytes of weights each
 * time. Opening another model (or device) closes the previous one. Thread-safe.
 *
 * <p>Two settings apply to every model handed out: the memory option {@link StableDiffusion#setAttentionSlice
 * attention slicing} ({@code SLIME_ATTENTION_SLICE}, query rows; unset or 0: off) and the speed option
 * {@link StableDiffusion#setCropsPerPass crops per pass} ({@code SLIME_CROPS_PER_PASS}; unset: 1), taken from those
 * environment variables or as set here (the CLI's {@code --attention-slice}, {@code --crops-per-pass}).
 */
public final class Sessions {
    private static Slime current;
    private static String key;
    private static Integer attentionSlice;                                       // null: from the environment
    private static Integer cropsPerPass;

    private Sessions() {
    }

    public static synchronized Slime open(Path model, DeviceChoice device) throws IOException {
        return open(model, device, Precision.FP32);
    }

    /** The model in {@code precision} (fp16: segmentation on GPUs). */
    public static synchronized Slime open(Path model, DeviceChoice device, Precision precision) throws IOException {
        String k = model.toAbsolutePath().normalize() + "|" + device + "|" + precision;
        if (current == null || !k.equals(key)) {
            close();
            DjlContext.prepare();
            current = Slime.open(model, device, precision);
            key = k;
            String notice = org.slime4j.core.model.Engines.takeNotice();     // a GPU without a CUDA build: once
            if (notice != null) {
                ij.IJ.log("SLiMe: " + notice);
            }
        }
        current.model().setAttentionSlice(attentionSlice != null ? attentionSlice
                : fromEnvironment("SLIME_ATTENTION_SLICE", 0));
        current.model().setCropsPerPass(cropsPerPass != null ? cropsPerPass
                : fromEnvironment("SLIME_CROPS_PER_PASS", 1));
        return current;
    }

    public static synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
            key = null;
        }
    }

    /** Query rows per attention slice for the models opened from now on (0: off). */
    public static synchronized void setAttentionSlice(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("attention slice must be >= 0 rows, got " + rows);
        }
        attentionSlice = rows;
    }

    /** Crops per VAE and UNet pass at segmentation for the models opened from now on (>= 1). */
    public static synchronized void setCropsPerPass(int crops) {
        if (crops < 1) {
            throw new IllegalArgumentException("crops per pass must be >= 1, got " + crops);
        }
        cropsPerPass = crops;
    }

    private static int fromEnvironment(String name, int min) {
        String value = System.getenv(name);
        return value == null ? min : parse(name, value, min);
    }

    /** {@code value} of the environment variable {@code name} as a number >= {@code min}, or a message naming both. */
    static int parse(String name, String value, int min) {
        if (value.isBlank()) {
            return min;
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
