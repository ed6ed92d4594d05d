package org.slime4j.core.weights;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name  the key in the header
 * @param dtype element type as stored
 * @param shape dimensions, empty for a scalar
 * @param begin absolute byte offset in the file of the first element
 * @param end   absolute byte offset one past the last element
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
