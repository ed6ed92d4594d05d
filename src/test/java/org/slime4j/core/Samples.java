package org.slime4j.core;

import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.Trainer;

/** Synthetic annotated images for tests. */
public final class Samples {
    private Samples() {
    }

    /** A disk (label 1) and a square (label 2) on a dark background, w×h. */
    public static Trainer.Pair sample(int w, int h) {
        float[] rgb = new float[3 * w * h];
        int[] labels = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int label = Math.hypot(x - w * 0.3, y - h * 0.35) < Math.min(w, h) * 0.18 ? 1
                        : x > w * 0.55 && x < w * 0.85 && y > h * 0.5 && y < h * 0.85 ? 2 : 0;
                labels[y * w + x] = label;
                float[] colour = label == 1 ? new float[] {0.9f, 0.3f, 0.2f}
                        : label == 2 ? new float[] {0.2f, 0.4f, 0.9f} : new float[] {0.1f, 0.1f, 0.1f};
                for (int c = 0; c < 3; c++) {
                    rgb[(c * h + y) * w + x] = colour[c] + 0.02f * (float) Math.sin(x * 0.7 + y * 1.3 + c);
                }
            }
        }
        return new Trainer.Pair(new RgbImage(w, h, rgb), new LabelImage(w, h, labels));
    }
}
