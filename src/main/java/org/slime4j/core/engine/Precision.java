package org.slime4j.core.engine;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The UNet's weights and arithmetic: {@code fp32} (the reference, the default) or {@code fp16} (half the memory and
 * much faster on a GPU; norms and softmax still run in fp32, the VAE and text encoder stay fp32). fp16 serves
 * segmentation only: training refuses it, because DJL's type conversions detach from the autograd graph. On a CPU
 * fp16 is correct but slow: use it on GPUs.
 */
public enum Precision {
    FP32(DataType.FLOAT32), FP16(DataType.FLOAT16);

    private final DataType type;

    Precision(DataType type) {
        this.type = type;
    }

    public DataType dataType() {
        return type;
    }

    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision '" + s + "' is not fp32 or fp16");
        }
    }
}
