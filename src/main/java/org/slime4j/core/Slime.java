package org.slime4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.model.Precision;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.PatchedSegmenter;
import org.slime4j.core.slime.Randomness;
import org.slime4j.core.slime.Resize;
import org.slime4j.core.slime.Resumption;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Tiler;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;

/**
 * The one entry to SLiMe that every front end (Fiji commands, macros, batch, the CLI) calls: open a base model
 * once, train learned parts from annotated images, segment images with them.
 *
 * <pre>{@code
 * try (Slime slime = Slime.open(Path.of("sd-2-1-base"), DeviceChoice.AUTO)) {
 *     LearnedParts parts = slime.train(request, SlimeOptions.defaults(), listener, () -> false);
 *     parts.save(Path.of("cells.slime"), false);
 *     Slime.Segmentation s = slime.segment(parts, image, Tiling.squeeze(), 0, false);
 * }
 * }</pre>
 *
 * Segmentation may run from several threads at once on one instance; training runs one at a time per JVM.
 */
public final class Slime implements AutoCloseable {
    private final StableDiffusion sd;
    private final ModelIdentity identity;

    private Slime(StableDiffusion sd, ModelIdentity identity) {
        this.sd = sd;
        this.identity = identity;
    }

    public static Slime open(Path model, DeviceChoice device) throws IOException {
        return open(model, device, Precision.FP32);
    }

    /** Opens with the UNet in {@code precision}: fp16 halves its memory and is the choice on GPUs. */
    public static Slime open(Path model, DeviceChoice device, Precision precision) throws IOException {
        StableDiffusion sd = StableDiffusion.load(model, device, precision);
        try {
            return new Slime(sd, ModelIdentity.of(sd.folder()));
        } catch (IOException | RuntimeException e) {
            sd.close();
            throw e;
        }
    }

    public StableDiffusion model() {
        return sd;
    }

    public ModelIdentity identity() {
        return identity;
    }

    /**
     * What to learn from.
     *
     * @param partNames          K names, the first the background
     * @param prompt             null: {@code part} × K, as the reference
     * @param pairs              annotated images (one: one-shot; more: few-shot)
     * @param validateOnTraining after each epoch, segment the training images and keep the best epoch (reference)
     * @param inputMapping       the rule that made the RGB images, stored with the result
     * @param previewEvery       0, or a live preview of the first image every this many epochs
     * @param continueFrom       null, or a {@code .slime} file to go on training from (its parts first)
     */
    public record TrainingRequest(List<String> partNames, String prompt, List<Trainer.Pair> pairs,
                                  boolean validateOnTraining, String inputMapping, int previewEvery,
                                  java.nio.file.Path continueFrom) {
        public TrainingRequest {
            partNames = List.copyOf(partNames);
            pairs = List.copyOf(pairs);
            if (partNames.size() < 2) {
                throw new IllegalArgumentException("name at least two parts, the first being the background");
            }
        }

        /** A training from scratch. */
        public TrainingRequest(List<String> partNames, String prompt, List<Trainer.Pair> pairs,
                               boolean validateOnTraining, String inputMapping, int previewEvery) {
            this(partNames, prompt, pairs, validateOnTraining, inputMapping, previewEvery, null);
        }
    }

    /** Trains; {@code cancelled} is polled between steps and keeps the best result so far. */
    public LearnedParts train(TrainingRequest request, SlimeOptions o, Trainer.Listener listener,
                              BooleanSupplier cancelled) {
        if (sd.unet().dataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalStateException("Training needs the model in fp32 (DJL's type casts cut the gradient); "
                    + "fp16 is for segmentation: open the model with precision fp32 to train.");
        }
        int k = request.partNames().size();
        for (Trainer.Pair p : request.pairs()) {
            for (int v : p.mask().labels()) {
                if (v < 0 || v >= k) {
                    throw new IllegalArgumentException("a training mask has label " + v + " but only " + k
                            + " parts are named " + request.partNames());
                }
            }
        }
        TextContext text = TextContext.encode(sd, k, request.prompt());
        sd.releaseTextEncoder();                         // the context is all training and segmentation need
        Resumption from;
        try {
            from = request.continueFrom() == null ? null
                    : Resumption.of(request.continueFrom(), request.partNames(), text, identity, o.seed());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Randomness.Seeded random = from == null ? Randomness.seeded(o.seed()) : from.random();
        Trainer.Outcome outcome = Trainer.train(sd, text, o, request.pairs(),
                request.validateOnTraining() ? request.pairs() : List.of(), random, from == null ? null : from.state(),
                new Trainer.Settings(false, request.previewEvery()), listener, cancelled);
        List<Continuation.Round> lineage = new java.util.ArrayList<>(from == null ? List.of() : from.lineage());
        lineage.add(new Continuation.Round(from == null ? null : from.parent(), request.pairs().stream()
                .map(p -> Resumption.sha256(p.image())).toList(), outcome.epochsRun()
                - (from == null ? 0 : from.state().epochs())));
        return new LearnedParts(request.partNames(), outcome.vectors(), text, identity, o, request.inputMapping(),
                Instant.now().toString(), new Continuation(outcome.last(), random.state(), lineage));
    }

    /** Labels at the image's size, the part names, and on request the part scores [K, H, W]. */
    public record Segmentation(int width, int height, int[] labels, List<String> partNames, float[] scores) {
        /**
         * How sure the segmentation is, per pixel: the margin between the best and the second-best part score,
         * clipped to [0, 1] (0: a tie; the scores are attention probabilities). Needs the scores.
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

    /** Segments one RGB image; the same {@code seed} gives the same labels. */
    public Segmentation segment(LearnedParts parts, RgbImage image, Tiling tiling, long seed, boolean keepScores) {
        List<String> problems = parts.mismatches(identity, sd.textConfig().hiddenSize()); // no text weights
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("These learned parts do not fit the base model: "
                    + String.join("; ", problems));
        }
        Randomness random = Randomness.seeded(seed);
        if (tiling.tiled()) {
            return Tiler.segment(sd, parts, image, tiling, random, keepScores);
        }
        int s = parts.options().workingSize();
        PatchedSegmenter.Result r;
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray squeezed = Resize.bilinear(m, image.toArray(m), s, s);
            r = PatchedSegmenter.segment(sd, parts.text(), parts.vectors(), parts.options(), squeezed, s, random,
                    null);
        }
        int[] labels = new LabelImage(s, s, r.labels()).resizeNearest(image.width(), image.height()).labels();
        float[] scores = keepScores ? Tiler.resizeScores(r.scores(), parts.parts(), s, s, image.width(),
                image.height()) : null;
        return new Segmentation(image.width(), image.height(), labels, parts.partNames(), scores);
    }

    @Override
    public void close() {
        sd.close();
    }
}
