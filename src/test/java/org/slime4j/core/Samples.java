package org.slime4j.core;

import org.slime4j.core.slime.Trainer;

/** Synthetic annotated images for tests. */
public final class Samples {
    private Samples() {
    }

    /** A disk (label 1) and a square (label 2) on a dark background, w×h. */
    public static Trainer.Pair sample(int w, int h) {
        return org.slime4j.bench.DeviceCheck.sample(w, h);
    }
}
