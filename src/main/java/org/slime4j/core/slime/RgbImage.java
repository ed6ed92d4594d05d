package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.slime4j.core.weights.Owned;
import ai.djl.ndarray.types.Shape;

/**
 * An RGB image with values in [0, 1], planar {@code [3, height, width]} row-major: the form SLiMe feeds to the VAE.
 * The array is not copied; treat it as immutable.
 */
public record RgbImage(int width, int height, float[] data) {
    public RgbImage {
        if (width <= 0 || height <= 0 || data.length != 3 * width * height) {
            throw new IllegalArgumentException("RGB image " + width + "×" + height + " needs " + 3 * width * height
                    + " values, got " + data.length);
        }
    }

    /** [1, 3, H, W] in {@code m}, owned by libtorch. */
    public NDArray toArray(NDManager m) {
        return Owned.copy(m.create(data, new Shape(1, 3, height, width)));
    }

    /** The first 16 hex digits of the SHA-256 of its values: what a training saw, as its lineage records it. */
    public String sha256() {
        return Resumption.sha256(this);
    }
}
