package org.slime4j.core.weights;

import java.nio.ByteBuffer;

/** Conversions of stored floating-point data to fp32, done in Java (DJL aborts the JVM on BF16). */
final class Floats {
    private Floats() {
    }

    static float[] toFloat32(ByteBuffer b, DType dtype, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            default -> throw new IllegalArgumentException("not a float type: " + dtype);
        }
        return out;
    }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** binary32 to binary16, round to nearest even (as PyTorch's {@code half()}); fp16 files and weight samples. */
    static short floatToHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int value = (bits & 0x7fffffff) + 0xfff + (((bits & 0x7fffffff) >>> 13) & 1);   // a tie goes to even
        if (value >= 0x47800000) {
            if ((bits & 0x7fffffff) >= 0x47800000) {
                if ((bits & 0x7fffffff) > 0x7f800000) {
                    return (short) (sign | 0x7e00);
                }
                return (short) (sign | 0x7c00);
            }
            return (short) (sign | 0x7bff);
        }
        if (value >= 0x38800000) {
            return (short) (sign | ((value - 0x38000000) >>> 13));
        }
        if (value < 0x33000000) {
            return (short) sign;
        }
        value = (bits & 0x7fffffff) >>> 23;
        return (short) (sign | ((((bits & 0x7fffff) | 0x800000) + (0x800000 >>> (value - 102))) >>> (126 - value)));
    }
}
