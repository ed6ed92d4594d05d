package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Segmentation of an image of any size in S×S tiles (see {@link Tiling}): scale, pad by repeating the border, segment
 * each tile at full working resolution, blend the part scores with tent weights, take the argmax, map back.
 */
final class Tiler {
    private Tiler() {
    }

    /** Labels (and on request scores [K, H, W]) at the image's own size. */
    static Segmenter.Result segment(Segmenter segmenter, RgbImage image, Tiling tiling, Randomness random,
                                    boolean keepScores) {
        int s = segmenter.options().workingSize();
        int k = segmenter.parts();
        int sw = Math.max(1, (int) Math.round(image.width() * tiling.scale()));
        int sh = Math.max(1, (int) Math.round(image.height() * tiling.scale()));
        int pw = Math.max(sw, s);
        int ph = Math.max(sh, s);
        float[] padded = pad(scale(image, sw, sh), sw, sh, pw, ph);
        float[] acc = new float[k * pw * ph];
        float[] weightSum = new float[pw * ph];
        float[] tent = new float[s];
        for (int i = 0; i < s; i++) {
            tent[i] = Math.min(i + 1, s - i);
        }
        List<int[]> origins = new ArrayList<>();
        for (int oy : Tiling.origins(ph, s, tiling.overlap())) {
            for (int ox : Tiling.origins(pw, s, tiling.overlap())) {
                origins.add(new int[] {oy, ox});
            }
        }
        int group = segmenter.cropsPerPass();                                    // tiles per batch of UNet passes
        for (int start = 0; start < origins.size(); start += group) {
            List<int[]> tiles = origins.subList(start, Math.min(start + group, origins.size()));
            List<Segmenter.Result> results;
            try (NDManager m = segmenter.manager().newSubManager()) {
                List<NDArray> arrays = new ArrayList<>();
                for (int[] origin : tiles) {
                    arrays.add(new RgbImage(s, s, tile(padded, pw, ph, origin[0], origin[1], s)).toArray(m));
                }
                results = segmenter.segment(arrays, s, random, Trace.NONE);
            }
            for (int t = 0; t < tiles.size(); t++) {
                blend(results.get(t).scores(), tiles.get(t)[0], tiles.get(t)[1], s, k, tent, pw, ph, acc, weightSum);
            }
        }
        return labelled(acc, weightSum, k, sw, sh, pw, ph, image, keepScores);
    }

    /**
     * The blended scores of the scaled image (sw × sh inside the padded pw × ph) normalised by their weights, each
     * pixel's best part, both back at the image's own size.
     */
    private static Segmenter.Result labelled(float[] acc, float[] weightSum, int k, int sw, int sh, int pw, int ph,
                                             RgbImage image, boolean keepScores) {
        int[] labels = new int[sw * sh];
        float[] scores = new float[k * sw * sh];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int p = y * pw + x;
                int best = 0;
                for (int part = 0; part < k; part++) {
                    float v = acc[part * pw * ph + p] / weightSum[p];
                    scores[(part * sh + y) * sw + x] = v;
                    if (v > scores[(best * sh + y) * sw + x]) {
                        best = part;
                    }
                }
                labels[y * sw + x] = best;
            }
        }
        int[] out = new LabelImage(sw, sh, labels).resizeNearest(image.width(), image.height()).labels();
        return new Segmenter.Result(out, keepScores ? Resize.bilinear(scores, k, sh, sw, image.height(), image.width())
                : null);
    }

    /** The S×S tile at (oy, ox) of the padded planes, [3, S, S]. */
    private static float[] tile(float[] padded, int pw, int ph, int oy, int ox, int s) {
        float[] tile = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                System.arraycopy(padded, (c * ph + oy + y) * pw + ox, tile, (c * s + y) * s, s);
            }
        }
        return tile;
    }

    /** Adds a tile's part scores [K, S, S] with tent weights. */
    private static void blend(float[] scores, int oy, int ox, int s, int k, float[] tent, int pw, int ph, float[] acc,
                              float[] weightSum) {
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                float w = tent[y] * tent[x];
                int p = (oy + y) * pw + ox + x;
                weightSum[p] += w;
                for (int part = 0; part < k; part++) {
                    acc[part * pw * ph + p] += w * scores[(part * s + y) * s + x];
                }
            }
        }
    }

    private static float[] scale(RgbImage image, int w, int h) {
        return Resize.bilinear(image.data(), 3, image.height(), image.width(), h, w);
    }

    private static float[] pad(float[] data, int w, int h, int pw, int ph) {
        if (w == pw && h == ph) {
            return data;
        }
        float[] out = new float[3 * pw * ph];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    out[(c * ph + y) * pw + x] = data[(c * h + Math.min(y, h - 1)) * w + Math.min(x, w - 1)];
                }
            }
        }
        return out;
    }
}
