package org.slime4j.core.slime;

import java.util.List;

/**
 * One segmented image: labels at the image's size, the part names, and on request the part scores [K, H, W].
 *
 * @param labels 0..K-1 per pixel, row-major
 * @param scores null unless asked for
 */
public record Segmented(int width, int height, int[] labels, List<String> partNames, float[] scores) {
    /**
     * How sure the segmentation is, per pixel: the margin between the best and the second-best part score, clipped to
     * [0, 1] (0: a tie; the scores are attention probabilities). Needs the scores.
     */
    public float[] confidence() {
        if (scores == null) {
            throw new IllegalStateException("segment with keepScores to get a confidence map");
        }
        int n = width * height;
        int k = partNames.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float best = Float.NEGATIVE_INFINITY;
            float second = Float.NEGATIVE_INFINITY;
            for (int part = 0; part < k; part++) {
                float v = scores[part * n + i];
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            out[i] = k < 2 ? 1f : Math.max(0f, Math.min(1f, best - second));
        }
        return out;
    }
}
