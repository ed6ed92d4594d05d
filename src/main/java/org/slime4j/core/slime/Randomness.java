package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Every random draw of training and segmentation goes through here, in the reference's order: per training step the
 * timestep, the VAE's eps, the diffusion noise; per segmented crop the VAE's eps, then the noise. Production uses
 * {@link #seeded}; tests feed recorded draws through the same seam.
 */
public interface Randomness {
    /** A diffusion step, uniform in {@code min..max} inclusive. */
    int timestep(int min, int max);

    /** Standard-normal fp32 values of {@code shape}, owned by libtorch, in {@code m}. */
    NDArray normal(NDManager m, Shape shape);

    /** The generator of augmentation decisions. */
    Random augmentation();

    /** Repeatable draws from {@code seed}. Not thread-safe. */
    static Randomness seeded(long seed) {
        Random main = new Random(seed);
        Random augment = new Random(seed ^ 0x5DEECE66DL);
        return new Randomness() {
            @Override
            public int timestep(int min, int max) {
                return min + main.nextInt(max - min + 1);
            }

            @Override
            public NDArray normal(NDManager m, Shape shape) {
                float[] values = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) main.nextGaussian();
                }
                try (NDArray alias = m.create(values, shape)) {
                    return alias.duplicate();
                }
            }

            @Override
            public Random augmentation() {
                return augment;
            }
        };
    }
}
