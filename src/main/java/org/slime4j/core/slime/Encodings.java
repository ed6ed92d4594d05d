package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.vae.AutoencoderKL;

/**
 * The VAE's moments of images whose pixels do not change during a training run (each validation image's crops, and
 * the training images when augmentation is off), kept on the device so that every epoch after the first skips the
 * encoder. Only the sample is drawn anew, with the same draws as without the cache, so results are the same bit for
 * bit: the moments are the same arithmetic on the same pixels. Keys are the images' identity and the crop's index.
 * Owned by one training run, closed with it; not thread-safe.
 */
final class Encodings implements AutoCloseable {
    private final StableDiffusion sd;
    private final NDManager kept;
    private final Map<List<Object>, AutoencoderKL.Moments> moments = new HashMap<>();
    private int encoderPasses;

    Encodings(StableDiffusion sd) {
        this.sd = sd;
        this.kept = sd.manager().newSubManager();
    }

    /**
     * {@code (mean + std·eps) · scaling} of each image [B, 3, S, S] in [0, 1] with its {@code eps} [B, 4, L, L]: the
     * moments of a key seen before from the cache, the others from one encoder pass and kept (a null key is never
     * kept). The result belongs to {@code images}' manager.
     */
    NDArray sample(List<List<Object>> keys, NDArray images, NDArray eps) {
        AutoencoderKL vae = sd.vae();
        if (keys.stream().allMatch(k -> k == null)) {
            return vae.encodeImages(images, eps);
        }
        if (keys.stream().anyMatch(k -> k == null || !moments.containsKey(k))) {
            encoderPasses++;
            try (AutoencoderKL.Moments fresh = vae.moments(images)) {            // [B, 4, L, L] each
                for (int i = 0; i < keys.size(); i++) {
                    if (keys.get(i) != null && !moments.containsKey(keys.get(i))) {
                        moments.put(keys.get(i), keep(fresh, i));
                    }
                }
                return vae.sample(fresh, eps);                                   // the first epoch: as uncached
            }
        }
        NDManager m = images.getManager();
        List<NDArray> means = new ArrayList<>();
        List<NDArray> stds = new ArrayList<>();
        for (List<Object> k : keys) {
            means.add(moments.get(k).mean());
            stds.add(moments.get(k).std());
        }
        try (AutoencoderKL.Moments batch = new AutoencoderKL.Moments(stack(means, m), stack(stds, m))) {
            return vae.sample(batch, eps);                                       // [B, 4, L, L]
        }
    }

    /** How often the encoder ran for images that have a key (once per image, if all goes well). */
    int encoderPasses() {
        return encoderPasses;
    }

    /** Item {@code i} of the moments, copied into the cache's manager. */
    private AutoencoderKL.Moments keep(AutoencoderKL.Moments batch, int i) {
        NDArray mean = batch.mean().get(i).expandDims(0).duplicate();            // [1, 4, L, L]
        NDArray std = batch.std().get(i).expandDims(0).duplicate();
        mean.attach(kept);
        std.attach(kept);
        return new AutoencoderKL.Moments(mean, std);
    }

    /** The items [1, 4, L, L] as one batch [B, 4, L, L] in {@code m}. */
    private static NDArray stack(List<NDArray> items, NDManager m) {
        NDArray batch = items.size() == 1 ? items.get(0).duplicate() : NDArrays.concat(new NDList(items), 0);
        batch.attach(m);
        return batch;
    }

    @Override
    public void close() {
        moments.clear();
        kept.close();
    }
}
