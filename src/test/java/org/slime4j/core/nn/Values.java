package org.slime4j.core.nn;

import java.util.Random;

/** Test values for the blocks' tests. */
final class Values {
    private Values() {
    }

    /** {@code n} standard normal floats from {@code r}. */
    static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
