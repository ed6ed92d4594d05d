package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.unet.CapturedScores;

/**
 * Segmentation with one set of learned vectors: the reference's {@code get_patched_masks}. n×n crops of side P are
 * cut from the image as given, each squeezed to S, noised at the test step, one UNet pass with the learned context;
 * per crop the parts whose softmaxed cross map peaks at or above the threshold are kept, the first kept part is
 * zeroed where not above its mean, WAS maps are resized to the crop's output size, rescaled to the part's [min, max]
 * and accumulated; labels are the argmax of the accumulated maps over their counts. No gradients.
 *
 * <p>Crops go through the VAE and the UNet {@link org.slime4j.core.engine.Execution#cropsPerPass()} at a time, drawing
 * their noise in the order of one at a time. Holds the vectors [K-1, D] on the device, owned by whoever made it.
 */
public final class Segmenter {
    private final StableDiffusion sd;
    private final TextContext text;
    private final NDArray vectors;
    private final SlimeOptions o;
    private final Encodings encodings;

    /** @param vectors the K-1 learned vectors [K-1, D] on the device (the caller keeps them alive and frees them) */
    public Segmenter(StableDiffusion sd, TextContext text, NDArray vectors, SlimeOptions o) {
        this(sd, text, vectors, o, null);
    }

    private Segmenter(StableDiffusion sd, TextContext text, NDArray vectors, SlimeOptions o, Encodings encodings) {
        this.sd = sd;
        this.text = text;
        this.vectors = vectors;
        this.o = o;
        this.encodings = encodings;
    }

    /** This segmenter taking the VAE moments of the images {@link #atImageSize} sees again from {@code kept}. */
    Segmenter keeping(Encodings kept) {
        return new Segmenter(sd, text, vectors, o, kept);
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
            r = segment(List.of(squeezed), Collections.singletonList(encodings == null ? null : image), s, random,
                    Trace.NONE).get(0);
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
        return segment(images, Collections.nCopies(images.size(), null), size, random, trace);
    }

    /** As {@link #segment(List, int, Randomness, Trace)}; an image with a key has its crops' moments kept by it. */
    private List<Result> segment(List<NDArray> images, List<Object> keys, int size, Randomness random, Trace trace) {
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
            for (int i = 0; i < images.size(); i++) {
                accumulators.add(crops(images.get(i), keys.get(i), n, patch, ratio, new Accumulator(sums,
                        text.parts(), size, patch / ratio), crops));
            }
            int batch = sd.execution().cropsPerPass();
            for (int start = 0; start < crops.size(); start += batch) {
                try (NDManager m = sd.manager().newSubManager()) {
                    pass(crops.subList(start, Math.min(start + batch, crops.size())), m, random, trace);
                }
            }
            List<Result> results = new ArrayList<>();
            for (Accumulator acc : accumulators) {
                results.add(acc.result());                                       // labels and scores to the host
            }
            return results;
        }
    }

    /** The n×n crops of one image, each to be accumulated into {@code acc}, appended to {@code crops}. */
    private static Accumulator crops(NDArray image, Object key, int n, int patch, int ratio, Accumulator acc,
                                     List<Crop> crops) {
        long h = image.getShape().get(2);
        long w = image.getShape().get(3);
        for (long y0 : cropOrigins(h, n, patch)) {
            for (long x0 : cropOrigins(w, n, patch)) {
                crops.add(new Crop(image, ":, :, " + y0 + ":" + Math.min(y0 + patch, h) + ", " + x0 + ":"
                        + Math.min(x0 + patch, w), key == null ? null : List.of(key, y0, x0), acc, (int) (y0 / ratio),
                        (int) (x0 / ratio)));
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

    /** One crop: its image, the index that cuts it out, its key for kept moments (or null), where its maps go. */
    private record Crop(NDArray image, String index, List<Object> key, Accumulator into, int my, int mx) {
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
        int l = o.latentSize();
        NDList noise = new NDList();
        NDArray latents = encode(crops, m, random, noise);                       // [B, 4, L, L]
        NDArray noisy = sd.schedule().addNoise(latents, batch(noise), o.testT()); // [B, 4, L, L]
        CapturedScores scores = CapturedScores.headMeans(o.crossLayers(), o.selfLayers());
        sd.unet().forward(noisy, o.testT(), context(m, b), scores);              // text item only: the maps use no more
        List<List<NDArray>> crossMaps = perItem(scores, o.crossLayers(), b,
                x -> AttentionMaps.crossLayer(m, x, k, l, true));                // per crop: [K, L, L] per layer
        List<List<NDArray>> selfMaps = perItem(scores, o.selfLayers(), b,
                x -> AttentionMaps.selfLayer(m, x, l));                          // per crop: [Q, L, L] per layer
        for (int i = 0; i < b; i++) {
            NDArray cross = AttentionMaps.layerMean(crossMaps.get(i)).reshape(k, l * l);  // [K, L*L]
            NDArray self = AttentionMaps.layerMean(selfMaps.get(i)).reshape(l * l, l * l); // [Q, L*L]
            int item = i;
            trace.put("infer.latents", () -> latents.get(item).toFloatArray());
            trace.put("infer.cross_softmax", cross::toFloatArray);
            trace.put("infer.self_attention", self::toFloatArray);
            Kept kept = Kept.of(cross, o.patchThreshold(), trace);               // K maxima and minima to the host
            Crop c = crops.get(i);
            if (kept != null) {
                c.into().add(kept, kept.rows().matMul(self), l, c.my(), c.mx(), trace);
            }
        }
    }

    /** The crops squeezed to S and encoded as one batch [B, 4, L, L]; their diffusion noise goes to {@code noise}. */
    private NDArray encode(List<Crop> crops, NDManager m, Randomness random, NDList noise) {
        int s = o.workingSize();
        int l = o.latentSize();
        NDList squeezed = new NDList();
        NDList eps = new NDList();
        List<List<Object>> keys = new ArrayList<>();
        for (Crop c : crops) {
            squeezed.add(Resize.bilinear(m, c.pixels(m), s, s));                 // [1, 3, S, S]
            eps.add(random.normal(m, new Shape(1, 4, l, l)));                    // the order of one crop at a time
            noise.add(random.normal(m, new Shape(1, 4, l, l)));
            keys.add(c.key());
        }
        return encodings == null ? sd.vae().encodeImages(batch(squeezed), batch(eps))
                : encodings.sample(keys, batch(squeezed), batch(eps));           // [B, 4, L, L]
    }

    /** The learned text context repeated for {@code b} crops, [B, 77, D]. */
    private NDArray context(NDManager m, int b) {
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
        return batch(copies);                                                    // [B, 77, D]
    }

    /** Each crop's map of each layer in {@code paths}, made by {@code map}; the captured scores are freed once used. */
    private static List<List<NDArray>> perItem(CapturedScores scores, List<String> paths, int b,
                                               java.util.function.UnaryOperator<NDArray> map) {
        List<List<NDArray>> lists = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            lists.add(new ArrayList<>());
        }
        for (String path : paths) {
            try (NDArray captured = scores.get(path)) {                          // [B*h, Q, keys] or [B, Q, Q]
                for (int i = 0; i < b; i++) {
                    lists.get(i).add(map.apply(item(captured, i, b)));
                }
            }
        }
        return lists;
    }

    static NDArray batch(NDList items) {
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
}
