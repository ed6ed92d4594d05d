package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slime4j.core.StableDiffusion;
import org.slime4j.core.model.Engines;
import org.slime4j.core.unet.CapturedScores;

/**
 * The reference's {@code get_patched_masks}: n×n crops of side P cut from the image as given, each squeezed to S,
 * noised at the test step, one UNet pass with the learned context; per crop the parts whose softmaxed cross map
 * peaks at or above the threshold are kept, the first kept part is zeroed where not above its mean, WAS maps are
 * resized to the crop's output size, rescaled to the part's [min, max] and accumulated; labels are the argmax of the
 * accumulated maps over their counts. No gradients.
 */
public final class PatchedSegmenter {
    private PatchedSegmenter() {
    }

    /**
     * @param labels   argmax labels, M×M row-major
     * @param scores   the accumulated maps over their counts [K, M, M] (0 where a part was never kept)
     */
    public record Result(int size, int[] labels, float[] scores) {
    }

    /**
     * @param image  RGB in [0, 1], [1, 3, H, W] (S×S in the reference's use)
     * @param size   M, the output side; S must be a multiple of it
     * @param trace  when not null, receives per-crop maps by golden name (last crop wins)
     */
    public static Result segment(StableDiffusion sd, TextContext text, float[][] vectors, SlimeOptions o, NDArray image,
                                 int size, Randomness random, Map<String, float[]> trace) {
        return segment(sd, text, vectors, o, List.of(image), size, random, trace).get(0);
    }

    /**
     * Several images (the tiles of a large image, say), each as {@link #segment(StableDiffusion, TextContext,
     * float[][], SlimeOptions, NDArray, int, Randomness, Map) one}: their crops, one image after the other, go through
     * the VAE and the UNet {@link StableDiffusion#cropsPerPass()} at a time, drawing their noise in the same order as
     * one by one.
     */
    public static List<Result> segment(StableDiffusion sd, TextContext text, float[][] vectors, SlimeOptions o,
                                       List<NDArray> images, int size, Randomness random, Map<String, float[]> trace) {
        int s = o.workingSize();
        int patch = o.effectivePatchSize();
        int ratio = s / size;
        if (ratio < 1 || s % size != 0) {
            throw new IllegalArgumentException("output size " + size + " must divide the working size " + s);
        }
        int n = o.patchesPerSide();
        List<Accumulator> accumulators = new ArrayList<>();
        List<Crop> crops = new ArrayList<>();
        for (NDArray image : images) {
            Accumulator acc = new Accumulator(text.parts(), size, patch / ratio);
            long h = image.getShape().get(2);
            long w = image.getShape().get(3);
            long yStep = n == 1 ? 0 : (h - patch) / (n - 1);
            long xStep = n == 1 ? 0 : (w - patch) / (n - 1);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    long y0 = i * yStep;
                    long x0 = j * xStep;
                    crops.add(new Crop(image, ":, :, " + y0 + ":" + Math.min(y0 + patch, h) + ", " + x0 + ":"
                            + Math.min(x0 + patch, w), acc, (int) (y0 / ratio), (int) (x0 / ratio)));
                }
            }
            accumulators.add(acc);
        }
        int batch = sd.cropsPerPass();
        for (int start = 0; start < crops.size(); start += batch) {
            try (NDManager m = sd.manager().newSubManager()) {
                pass(sd, text, vectors, o, crops.subList(start, Math.min(start + batch, crops.size())), m, random,
                        trace);
            }
            Engines.trim();
        }
        List<Result> results = new ArrayList<>();
        for (Accumulator acc : accumulators) {
            results.add(acc.result());
        }
        return results;
    }

    /** One crop: its image, the index that cuts it out, and where its maps go in the output. */
    private record Crop(NDArray image, String index, Accumulator into, int my, int mx) {
        /** The crop [1, 3, P', P'] as a view that belongs to {@code m} (not to the image's manager). */
        NDArray pixels(NDManager m) {
            NDArray view = image.get(index);
            view.attach(m);
            return view;
        }
    }

    /** One VAE and UNet pass over {@code crops} as a batch; each crop's maps are accumulated into its image. */
    private static void pass(StableDiffusion sd, TextContext text, float[][] vectors, SlimeOptions o, List<Crop> crops,
                             NDManager m, Randomness random, Map<String, float[]> trace) {
        int b = crops.size();
        int k = text.parts();
        int s = o.workingSize();
        int l = o.latentSize();
        NDList squeezed = new NDList();
        NDList eps = new NDList();
        NDList noise = new NDList();
        for (Crop c : crops) {
            squeezed.add(Resize.bilinear(m, c.pixels(m), s, s));                 // [1, 3, S, S]
            eps.add(random.normal(m, new Shape(1, 4, l, l)));                    // the order of one crop at a time
            noise.add(random.normal(m, new Shape(1, 4, l, l)));
        }
        NDArray latents = sd.vae().encodeImages(batch(squeezed), batch(eps));    // [B, 4, L, L]
        NDArray noisy = sd.schedule().addNoise(latents, batch(noise), o.testT());
        List<NDArray> learned = new ArrayList<>();
        for (float[] v : vectors) {
            learned.add(m.create(v, new Shape(1, text.width())));
        }
        NDArray one = text.text(m, learned);                                     // [1, 77, D]
        NDList copies = new NDList();
        for (int i = 0; i < b; i++) {
            copies.add(one);
        }
        NDArray context = batch(copies);                                         // [B, 77, D]
        CapturedScores scores = CapturedScores.headMeans(o.crossLayers(), o.selfLayers(), sd.attentionSlice());
        sd.unet().forward(noisy, o.testT(), context, scores);                    // text item only: the maps use no more
        List<List<NDArray>> crossMaps = perItem(b);
        List<List<NDArray>> selfMaps = perItem(b);
        for (String path : o.crossLayers()) {
            try (NDArray captured = scores.get(path)) {                          // [B*h, Q, 77]: freed once used
                for (int i = 0; i < b; i++) {
                    crossMaps.get(i).add(AttentionMaps.crossLayer(m, item(captured, i, b), k, l, true));
                }
            }
        }
        for (String path : o.selfLayers()) {
            try (NDArray captured = scores.get(path)) {                          // [B, Q, Q]: already a head mean
                for (int i = 0; i < b; i++) {
                    selfMaps.get(i).add(AttentionMaps.selfLayer(m, item(captured, i, b), l));
                }
            }
        }
        for (int i = 0; i < b; i++) {
            float[] cross = AttentionMaps.layerMean(crossMaps.get(i)).toFloatArray(); // [K, L*L]: small, to the host
            NDArray self = AttentionMaps.layerMean(selfMaps.get(i)).reshape(l * l, l * l); // [Q, L*L]: stays put
            if (trace != null) {
                trace.put("infer.latents", latents.get(i).toFloatArray());
                trace.put("infer.cross_softmax", cross.clone());
                trace.put("infer.self_attention", self.toFloatArray());
            }
            Kept kept = Kept.of(cross, k, l * l, o.patchThreshold(), trace);
            if (!kept.parts.isEmpty()) {
                float[] was;
                try (NDArray rows = m.create(kept.rows, new Shape(kept.parts.size(), l * l));
                     NDArray product = rows.matMul(self)) {                      // [K', L*L] on the device
                    was = product.toFloatArray();
                }
                crops.get(i).into.add(kept, was, l, crops.get(i).my, crops.get(i).mx, trace);
            }
        }
    }

    private static NDArray batch(NDList items) {
        return items.size() == 1 ? items.get(0) : NDArrays.concat(items, 0);
    }

    /** Item {@code i}'s heads of captured scores [B*h, ...] (batch-major). */
    private static NDArray item(NDArray captured, int i, int b) {
        if (b == 1) {
            return captured;
        }
        long heads = captured.getShape().get(0) / b;
        return captured.get((i * heads) + ":" + ((i + 1) * heads));
    }

    private static List<List<NDArray>> perItem(int b) {
        List<List<NDArray>> lists = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /**
     * The parts a crop keeps (cross map peak at or above the threshold), their cross rows (the first zeroed where not
     * above its mean, as the reference), and every part's max and min.
     */
    private record Kept(List<Integer> parts, float[] rows, float[] max, float[] min) {
        static Kept of(float[] cross, int k, int cells, double threshold, Map<String, float[]> trace) {
            float[] max = new float[k];
            float[] min = new float[k];
            List<Integer> parts = new ArrayList<>();
            for (int part = 0; part < k; part++) {
                max[part] = Float.NEGATIVE_INFINITY;
                min[part] = Float.POSITIVE_INFINITY;
                for (int c = 0; c < cells; c++) {
                    max[part] = Math.max(max[part], cross[part * cells + c]);
                    min[part] = Math.min(min[part], cross[part * cells + c]);
                }
                if (max[part] >= (float) threshold) {
                    parts.add(part);
                }
            }
            float[] rows = new float[parts.size() * cells];
            for (int i = 0; i < parts.size(); i++) {
                System.arraycopy(cross, parts.get(i) * cells, rows, i * cells, cells);
            }
            if (!parts.isEmpty()) {
                float mean = 0;
                for (int c = 0; c < cells; c++) {
                    mean += rows[c];
                }
                mean /= cells;
                for (int c = 0; c < cells; c++) {
                    if (!(rows[c] > mean)) {
                        rows[c] = 0;
                    }
                }
            }
            if (trace != null) {
                trace.put("infer.max_values", max.clone());
                trace.put("infer.min_values", min.clone());
                float[] passed = new float[parts.size()];
                for (int i = 0; i < passed.length; i++) {
                    passed[i] = parts.get(i);
                }
                trace.put("infer.passed_indices", passed);
                trace.put("infer.cross_kept", rows.clone());
            }
            return new Kept(parts, rows, max, min);
        }
    }

    /** One image's accumulated maps [K, M, M] and counts; {@link #result} divides and takes the argmax. */
    private static final class Accumulator {
        private final int k;
        private final int size;
        private final int maskPatch;
        private final float[] sum;
        private final float[] counts;

        Accumulator(int k, int size, int maskPatch) {
            this.k = k;
            this.size = size;
            this.maskPatch = maskPatch;
            this.sum = new float[k * size * size];
            this.counts = new float[k * size * size];
            java.util.Arrays.fill(counts, 1e-7f);
        }

        /** One crop's contribution from its WAS maps [K', L*L], in Java floats in the reference's order. */
        void add(Kept kept, float[] was, int side, int my, int mx, Map<String, float[]> trace) {
            int cells = side * side;
            for (int i = 0; i < kept.parts.size(); i++) {
                int part = kept.parts.get(i);
                float[] map = java.util.Arrays.copyOfRange(was, i * cells, (i + 1) * cells);
                float[] resized = JavaResize.bilinear(map, side, side, maskPatch, maskPatch);
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : resized) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                float coef = (hi - lo) / (kept.max[part] - kept.min[part]);
                if (Float.isNaN(coef) || coef == 0) {
                    coef = 1e-7f;
                }
                if (trace != null) {
                    trace.put("infer.was." + part, map);
                    trace.put("infer.was_resized." + part, resized);
                }
                for (int y = 0; y < maskPatch && my + y < size; y++) {
                    for (int x = 0; x < maskPatch && mx + x < size; x++) {
                        int idx = part * size * size + (my + y) * size + mx + x;
                        sum[idx] += resized[y * maskPatch + x] / coef + (kept.min[part] - lo / coef);
                        counts[idx] += 1;
                    }
                }
            }
        }

        Result result() {
            int[] labels = new int[size * size];
            for (int p = 0; p < size * size; p++) {
                int best = 0;
                for (int part = 0; part < k; part++) {
                    int idx = part * size * size + p;
                    sum[idx] /= counts[idx];
                    if (sum[idx] > sum[best * size * size + p]) {
                        best = part;
                    }
                }
                labels[p] = best;
            }
            return new Result(size, labels, sum);
        }
    }
}
