package org.slime4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.slime4j.core.slime.Randomness;

/** Recorded draws fed through the production {@link Randomness} seam, in order; each shape is checked. */
final class Recorded implements Randomness {
    private final Deque<float[]> normals = new ArrayDeque<>();
    private final Deque<long[]> shapes = new ArrayDeque<>();
    private final Deque<Integer> timesteps = new ArrayDeque<>();

    Recorded normal(float[] values, long... shape) {
        normals.add(values);
        shapes.add(shape);
        return this;
    }

    Recorded timestep(int t) {
        timesteps.add(t);
        return this;
    }

    @Override
    public int timestep(int min, int max) {
        int t = timesteps.remove();
        assertTrue(t >= min && t <= max, "recorded t " + t + " outside " + min + ".." + max);
        return t;
    }

    @Override
    public NDArray normal(NDManager m, Shape shape) {
        long[] want = shapes.remove();
        assertArrayEquals(want, shape.getShape(), "shape of the next recorded draw");
        return m.create(normals.remove(), shape).duplicate();
    }

    @Override
    public Random augmentation() {
        throw new AssertionError("the recorded runs use no augmentation");
    }

    void assertConsumed() {
        assertEquals(0, normals.size(), "recorded normal draws left over");
        assertEquals(0, timesteps.size(), "recorded timesteps left over");
    }
}
