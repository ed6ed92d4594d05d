package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.Owned;
import java.util.Arrays;

/**
 * The learned vectors and their kin ([K-1, D]: gradients, Adam's moments) between the host (float[][]) and the device
 * (one [K-1, D] array libtorch owns), and flat.
 */
public final class Rows {
    private Rows() {
    }

    /** Row-major, one row after the other. */
    public static float[] flat(float[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * width, width);
        }
        return out;
    }

    /** {@code flat} cut into {@code rows} rows of equal width. */
    public static float[][] split(float[] flat, int rows) {
        int width = rows == 0 ? 0 : flat.length / rows;
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return out;
    }

    /** {@code rows} as a [rows, width] array libtorch owns, in {@code manager}. */
    public static NDArray toDevice(NDManager manager, float[][] rows) {
        return Owned.copy(manager.create(flat(rows), new Shape(rows.length, rows.length == 0 ? 0 : rows[0].length)));
    }

    /** A [rows, width] array's rows on the host. */
    public static float[][] toHost(NDArray rows) {
        return split(rows.toFloatArray(), (int) rows.getShape().get(0));
    }
}
