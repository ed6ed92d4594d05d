package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.model.Engines;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.unet.CapturedScores;

/**
 * Segmentation with one set of learned vectors: the reference's {@code get_patched_masks}. n×n crops of side P are
 * cut from the image as given, each squeezed to S, noised at the test step, one UNet pass with the learned context;
 * per crop the parts whose softmaxed cross map peaks at or above the threshold are kept, the first kept part is
 * zeroed where not above its mean, WAS maps are resized to the crop's output size, rescaled to the part's [min, max]
 * and accumulated; labels are the argmax of the accumulated maps over their counts. No gradients.
 *
 * <p>Crops go through the VAE and the UNet {@link org.slime4j.core.model.Execution#cropsPerPass()} at a time, drawing
 * their noise in the order of one at a time. Holds the vectors [K-1, D] on the device, owned by whoever made it.
 */
public final class Segmenter {
    private final StableDiffusion sd;
    private final TextContext text;
    private final NDArray vectors;
    private final SlimeOptions o;

    /** @param vectors the K-1 learned vectors [K-1, D] on the device (the caller keeps them alive and frees them) */
    public Segmenter(StableDiffusion sd, TextContext text, NDArray vectors, SlimeOptions o) {
        this.sd = sd;
        this.text = text;
        this.vectors = vectors;
        this.o = o;
    }

    /** A segmenter of {@code parts}, its vectors put on the device in {@code m}. */
    public static Segmenter of(StableDiffusion sd, LearnedParts parts, NDManager m) {
        return of(sd, parts.text(), parts.vectors(), parts.options(), m);
    }

    /** A segmenter of the vectors [K-1][D] given on the host, put on the device in {@code m}. */
    public static Segmenter of(StableDiffusion sd, TextContext text, float[][] vectors, SlimeOptions o, NDManager m) {
        return new Segmenter(sd, text, Rows.toDevice(m, vectors), o);
    }

    SlimeOptions options() {
        return o;
    }

    /** K, the parts with the background. */
    int parts() {
        return text.parts();
    }

    int cropsPerPass() {
        return sd.execution().cropsPerPass();
    }

    NDManager manager() {
        return sd.manager();
    }

    /**
     * @param labels argmax labels, M×M (or, from {@link #atImageSize}, the image's size) row-major
     * @param scores the accumulated maps over their counts [K, M, M] (0 where a part was never kept); null when not
     *               asked for
     */
    public record Result(int[] labels, float[] scores) {
    }

    /**
     * Segments an image as a user sees it, with labels (and on request scores [K, H, W]) at its own size: in tiles
     * ({@link Tiler}), or squeezed to S×S, segmented at S, the labels (nearest) and scores (bilinear) brought back.
     */
    public Result atImageSize(RgbImage image, Tiling tiling, Randomness random, boolean keepScores) {
        return tiling.tiled() ? Tiler.segment(this, image, tiling, random, keepScores)
                : squeezed(image, random, keepScores);
    }

    private Result squeezed(RgbImage image, Randomness random, boolean keepScores) {
        int s = o.workingSize();
        Result r;
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray squeezed = Resize.bilinear(m, image.toArray(m), s, s);       // [1, 3, S, S]
            r = segment(squeezed, s, random, Trace.NONE);
        }
        int[] labels = new LabelImage(s, s, r.labels()).resizeNearest(image.width(), image.height()).labels();
        return new Result(labels, keepScores ? Resize.bilinear(r.scores(), text.parts(), s, s, image.height(),
                image.width()) : null);
    }

    /**
     * @param image RGB in [0, 1], [1, 3, H, W] (S×S in the reference's use)
     * @param size  M, the output side; S must be a multiple of it
     * @param trace receives per-crop maps by golden name (last crop wins)
     */
    public Result segment(NDArray image, int size, Randomness random, Trace trace) {
        return segment(List.of(image), size, random, trace).get(0);
    }

    /** Several images (the tiles of a large image, say), each as {@link #segment(NDArray, int, Randomness, Trace)}. */
    public List<Result> segment(List<NDArray> images, int size, Randomness random, Trace trace) {
        int s = o.workingSize();
        int patch = o.effectivePatchSize();
        int ratio = s / size;
        if (ratio < 1 || s % size != 0) {
            throw new IllegalArgumentException("output size " + size + " must divide the working size " + s);
        }
        int n = o.patchesPerSide();
        List<Accumulator> accumulators = new ArrayList<>();
        List<Crop> crops = new ArrayList<>();
        try (NDManager sums = sd.manager().newSubManager()) {                    // the accumulated maps, on the device
            for (NDArray image : images) {
                accumulators.add(crops(image, n, patch, ratio, new Accumulator(sums, text.parts(), size,
                        patch / ratio), crops));
            }
            int batch = sd.execution().cropsPerPass();
            for (int start = 0; start < crops.size(); start += batch) {
                try (NDManager m = sd.manager().newSubManager()) {
                    pass(crops.subList(start, Math.min(start + batch, crops.size())), m, random, trace);
                }
                Engines.trim();
            }
            List<Result> results = new ArrayList<>();
            for (Accumulator acc : accumulators) {
                results.add(acc.result());                                       // labels and scores to the host
            }
            return results;
        }
    }

    /** The n×n crops of one image, each to be accumulated into {@code acc}, appended to {@code crops}. */
    private static Accumulator crops(NDArray image, int n, int patch, int ratio, Accumulator acc, List<Crop> crops) {
        long h = image.getShape().get(2);
        long w = image.getShape().get(3);
        for (long y0 : cropOrigins(h, n, patch)) {
            for (long x0 : cropOrigins(w, n, patch)) {
                crops.add(new Crop(image, ":, :, " + y0 + ":" + Math.min(y0 + patch, h) + ", " + x0 + ":"
                        + Math.min(x0 + patch, w), acc, (int) (y0 / ratio), (int) (x0 / ratio)));
            }
        }
        return acc;
    }

    /** Where the reference's n crops of side {@code patch} start along a side of {@code side} pixels. */
    static long[] cropOrigins(long side, int n, int patch) {
        long step = n == 1 ? 0 : (side - patch) / (n - 1);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * step;
        }
        return out;
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
    private void pass(List<Crop> crops, NDManager m, Randomness random, Trace trace) {
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
        for (int i = 0; i < vectors.getShape().get(0); i++) {
            NDArray row = vectors.get(i);                                        // a view of the vectors' row
            row.attach(m);
            learned.add(row.reshape(1, text.width()));                           // [1, D]
        }
        NDArray one = text.text(m, learned);                                     // [1, 77, D]
        NDList copies = new NDList();
        for (int i = 0; i < b; i++) {
            copies.add(one);
        }
        NDArray context = batch(copies);                                         // [B, 77, D]
        CapturedScores scores = CapturedScores.headMeans(o.crossLayers(), o.selfLayers());
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
            NDArray cross = AttentionMaps.layerMean(crossMaps.get(i)).reshape(k, l * l);  // [K, L*L]
            NDArray self = AttentionMaps.layerMean(selfMaps.get(i)).reshape(l * l, l * l); // [Q, L*L]
            int item = i;
            trace.put("infer.latents", () -> latents.get(item).toFloatArray());
            trace.put("infer.cross_softmax", cross::toFloatArray);
            trace.put("infer.self_attention", self::toFloatArray);
            Kept kept = Kept.of(cross, o.patchThreshold(), trace);               // K maxima and minima to the host
            if (kept != null) {
                crops.get(i).into.add(kept, kept.rows.matMul(self), l, crops.get(i).my, crops.get(i).mx, trace);
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
     * The parts a crop keeps (cross map peak at or above the threshold), their cross rows [K', L*L] on the device
     * (the first zeroed where not above its mean, as the reference), and every part's max and min (host scalars).
     */
    private record Kept(List<Integer> parts, NDArray rows, float[] max, float[] min) {
        /** Null when no part reaches the threshold. */
        static Kept of(NDArray cross, double threshold, Trace trace) {
            float[] max = cross.max(new int[] {1}).toFloatArray();                 // [K]
            float[] min = cross.min(new int[] {1}).toFloatArray();                 // [K]
            List<Integer> parts = new ArrayList<>();
            for (int part = 0; part < max.length; part++) {
                if (max[part] >= (float) threshold) {
                    parts.add(part);
                }
            }
            trace.put("infer.max_values", max::clone);
            trace.put("infer.min_values", min::clone);
            trace.put("infer.passed_indices", () -> {
                float[] passed = new float[parts.size()];
                for (int i = 0; i < passed.length; i++) {
                    passed[i] = parts.get(i);
                }
                return passed;
            });
            if (parts.isEmpty()) {
                return null;
            }
            NDArray first = cross.get(parts.get(0));                                // [L*L]
            NDList rows = new NDList(NDArrays.where(first.gt(first.mean()), first, first.zerosLike()).expandDims(0));
            for (int i = 1; i < parts.size(); i++) {
                rows.add(cross.get(parts.get(i)).expandDims(0));                   // [1, L*L]
            }
            NDArray kept = batch(rows);                                            // [K', L*L]
            trace.put("infer.cross_kept", kept::toFloatArray);
            return new Kept(parts, kept, max, min);
        }
    }

    /**
     * One image's accumulated maps [K, M, M] and counts, on the device; {@link #result} divides, takes the argmax
     * and hands the labels and scores to the host.
     */
    private static final class Accumulator {
        private final int size;
        private final int maskPatch;
        private final NDArray sum;
        private final NDArray counts;

        Accumulator(NDManager m, int k, int size, int maskPatch) {
            this.size = size;
            this.maskPatch = maskPatch;
            this.sum = m.zeros(new Shape(k, size, size));
            this.counts = m.full(new Shape(k, size, size), 1e-7f);
        }

        /** One crop's contribution from its WAS maps [K', L*L], rescaled to each part's [min, max] as the reference. */
        void add(Kept kept, NDArray was, int side, int my, int mx, Trace trace) {
            NDManager m = was.getManager();
            int n = kept.parts.size();
            NDArray resized = Resize.bilinear(m, was.reshape(n, side, side), maskPatch, maskPatch); // [K', P, P]
            NDArray flat = resized.reshape(n, (long) maskPatch * maskPatch);        // [K', P*P]
            float[] lo = flat.min(new int[] {1}).toFloatArray();                   // [K']
            float[] hi = flat.max(new int[] {1}).toFloatArray();                   // [K']
            float[] coef = new float[n];
            float[] offset = new float[n];
            for (int i = 0; i < n; i++) {
                int part = kept.parts.get(i);
                coef[i] = (hi[i] - lo[i]) / (kept.max[part] - kept.min[part]);
                if (Float.isNaN(coef[i]) || coef[i] == 0) {
                    coef[i] = 1e-7f;
                }
                offset[i] = kept.min[part] - lo[i] / coef[i];
                int row = i;
                trace.put("infer.was." + part, () -> was.get(row).toFloatArray());
                trace.put("infer.was_resized." + part, () -> resized.get(row).toFloatArray());
            }
            int h = Math.min(maskPatch, size - my);
            int w = Math.min(maskPatch, size - mx);
            NDArray scaled = resized.div(Owned.copy(m.create(coef, new Shape(n, 1, 1))))
                    .add(Owned.copy(m.create(offset, new Shape(n, 1, 1))))
                    .get(":, 0:" + h + ", 0:" + w);                                // [K', h, w]
            for (int i = 0; i < n; i++) {
                NDIndex at = new NDIndex("{}, {}:{}, {}:{}", kept.parts.get(i), my, my + h, mx, mx + w);
                try (NDArray s = sum.get(at); NDArray c = counts.get(at);
                     NDArray s2 = s.add(scaled.get(i)); NDArray c2 = c.add(1f)) {
                    sum.set(at, s2);
                    counts.set(at, c2);
                }
            }
        }

        Result result() {
            try (NDArray scores = sum.div(counts); NDArray best = scores.argMax(0)) {     // [K, M, M], [M, M]
                long[] labels = best.toLongArray();
                int[] out = new int[labels.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (int) labels[i];
                }
                return new Result(out, scores.toFloatArray());
            }
        }
    }
}
