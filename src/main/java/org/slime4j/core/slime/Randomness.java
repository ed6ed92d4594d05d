package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.Owned;
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
    static Seeded seeded(long seed) {
        return new Seeded(new Random(seed), new Random(seed ^ 0x5DEECE66DL));
    }

    /**
     * The production draws: two generators whose whole state can be saved and restored, so that a training continued
     * from a file draws what an uninterrupted one would have.
     */
    final class Seeded implements Randomness {
        private final Random main;
        private final Random augment;

        private Seeded(Random main, Random augment) {
            this.main = main;
            this.augment = augment;
        }

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
            return Owned.copy(m.create(values, shape));
        }

        @Override
        public Random augmentation() {
            return augment;
        }

        /** Both generators' state (Java serialization of {@link Random}, which keeps its seed and spare Gaussian). */
        public byte[] state() {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(main);
                out.writeObject(augment);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** The generators {@link #state} saved, drawing on from where they stopped. */
        public static Seeded restore(byte[] state) {
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(state)) {
                @Override
                protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
                        throws java.io.IOException, ClassNotFoundException {
                    if (!desc.getName().equals(Random.class.getName())) {   // nothing but the two generators
                        throw new java.io.InvalidClassException(desc.getName(), "not a random generator state");
                    }
                    return super.resolveClass(desc);
                }
            }) {
                return new Seeded((Random) in.readObject(), (Random) in.readObject());
            } catch (java.io.IOException | ClassNotFoundException | ClassCastException e) {
                throw new IllegalArgumentException("the saved random state is damaged: " + e.getMessage(), e);
            }
        }
    }
}
