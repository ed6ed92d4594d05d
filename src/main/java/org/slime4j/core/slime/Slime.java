package org.slime4j.core.slime;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Randomness;
import org.slime4j.core.slime.Resumption;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.Segmented;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;

/**
 * The one entry to SLiMe that every front end (Fiji commands, macros, batch, the CLI) calls: open a base model
 * once, train learned parts from annotated images, segment images with them.
 *
 * <pre>{@code
 * try (Slime slime = Slime.open(Path.of("sd-2-1-base"), DeviceChoice.AUTO)) {
 *     Trained trained = slime.train(request, SlimeOptions.defaults(), listener, () -> false);
 *     trained.parts().save(Path.of("cells.slime"), false);
 *     Segmented s = slime.segment(trained.parts(), image, Tiling.squeeze(), 0, false);
 * }
 * }</pre>
 *
 * Segmentation may run from several threads at once on one instance; training runs one at a time per JVM (a second
 * waits: DJL's gradient collector is global).
 */
public final class Slime implements AutoCloseable {
    private static final Object TRAINING = new Object();
    private final StableDiffusion sd;
    private final ModelIdentity identity;

    private Slime(StableDiffusion sd, ModelIdentity identity) {
        this.sd = sd;
        this.identity = identity;
    }

    public static Slime open(Path model, DeviceChoice device) throws IOException {
        return open(model, Execution.on(device));
    }

    /** Opens the model to run as {@code execution} says (device, precision, memory and speed options), for good. */
    public static Slime open(Path model, Execution execution) throws IOException {
        StableDiffusion sd = StableDiffusion.load(model, execution);
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
     * @param inputMapping       the rule that made the RGB images (resolved: reference or percentile), stored with
     *                           the result so segmentation maps its images the same way
     * @param previewEvery       0, or a live preview of the first image every this many epochs
     * @param continueFrom       null, or a {@code .slime} file to go on training from (its parts first)
     */
    public record TrainingRequest(List<String> partNames, String prompt, List<Trainer.Pair> pairs,
                                  boolean validateOnTraining, InputMapping inputMapping, int previewEvery,
                                  Path continueFrom) {
        public TrainingRequest {
            partNames = List.copyOf(partNames);
            pairs = List.copyOf(pairs);
            if (inputMapping == null || inputMapping == InputMapping.AUTO) {
                throw new IllegalArgumentException("name the input mapping the images were made with (resolve AUTO "
                        + "by their bit depth)");
            }
            if (partNames.size() < 2) {
                throw new IllegalArgumentException("name at least two parts, the first being the background");
            }
        }

        /** A training from scratch. */
        public TrainingRequest(List<String> partNames, String prompt, List<Trainer.Pair> pairs,
                               boolean validateOnTraining, InputMapping inputMapping, int previewEvery) {
            this(partNames, prompt, pairs, validateOnTraining, inputMapping, previewEvery, null);
        }
    }

    /**
     * Trains; {@code cancelled} is polled between steps and keeps the best result so far. The result says what was
     * kept and why (epochs run, kept epoch, its IoU per image, cancelled or not, the losses).
     */
    public Trained train(TrainingRequest request, SlimeOptions o, Trainer.Listener listener,
                         BooleanSupplier cancelled) {
        synchronized (TRAINING) {
            return trainAlone(request, o, listener, cancelled);
        }
    }

    private Trained trainAlone(TrainingRequest request, SlimeOptions o, Trainer.Listener listener,
                               BooleanSupplier cancelled) {
        check(request);
        TextContext text = TextContext.encode(sd, request.partNames().size(), request.prompt());
        sd.releaseTextEncoder();                         // the context is all training and segmentation need
        Resumption from = resumption(request, text, o);
        Randomness.Seeded random = from == null ? Randomness.seeded(o.seed()) : from.random();
        List<String> images = request.pairs().stream().map(p -> Resumption.sha256(p.image())).toList();
        List<String> masks = request.pairs().stream().map(p -> Resumption.sha256(p.mask())).toList();
        Trainer.State start = from == null ? null : from.state();
        Trained.Previous previous = null;
        if (start != null && start.bestEpoch() > 0 && !from.sameData(images, masks)) {
            // other images or annotations: the parent's best IoU was measured on other data, so this round keeps the
            // best of its own epochs (and a correction always reaches the saved vectors)
            previous = new Trained.Previous(start.bestEpoch(), start.bestIou());
            start = start.withoutBest();
        }
        List<Continuation.Round> lineage = new ArrayList<>(from == null ? List.of() : from.lineage());
        List<EpochRecord> history = new ArrayList<>(from == null ? List.of() : from.history());
        int startEpochs = start == null ? 0 : start.epochs();
        Continuation.Round round = new Continuation.Round(from == null ? null : from.parent(), images, masks, 0);
        Trainer.Listener heard = listener.wantsSnapshots() ? new Snapshots(listener, request, text, identity, o, random,
                lineage, round, startEpochs, history) : listener;
        Trainer.Outcome outcome = Trainer.train(new Trainer.Setup(sd, text, o, request.pairs(),
                request.validateOnTraining() ? request.pairs() : List.of(), new Trainer.Settings(false,
                request.previewEvery())), random, start, heard, cancelled);
        lineage.add(new Continuation.Round(round.parent(), images, masks, outcome.epochsRun() - startEpochs));
        history.addAll(outcome.history());
        return new Trained(new LearnedParts(request.partNames(), outcome.vectors(), text, identity, o,
                request.inputMapping(), Instant.now().toString(), new Continuation(outcome.last(), random.state(),
                lineage, history)), outcome, previous);
    }

    /** A training needs the model in fp32 and masks within the named parts. */
    private void check(TrainingRequest request) {
        if (sd.unet().dataType() != DataType.FLOAT32) {
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
    }

    /** Where a training that continues a file starts; null for a fresh one. */
    private Resumption resumption(TrainingRequest request, TextContext text, SlimeOptions o) {
        try {
            return request.continueFrom() == null ? null
                    : Resumption.of(request.continueFrom(), request.partNames(), text, identity, o.seed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Segments one RGB image; the same {@code seed} gives the same labels. */
    public Segmented segment(LearnedParts parts, RgbImage image, Tiling tiling, long seed, boolean keepScores) {
        List<String> problems = parts.mismatches(identity, sd.textConfig().hiddenSize()); // no text weights
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("These learned parts do not fit the base model: "
                    + String.join("; ", problems));
        }
        try (NDManager m = sd.manager().newSubManager()) {
            Segmenter.Result r = Segmenter.of(sd, parts, m).atImageSize(image, tiling, Randomness.seeded(seed),
                    keepScores);
            return new Segmented(image.width(), image.height(), r.labels(), parts.partNames(), r.scores());
        }
    }

    @Override
    public void close() {
        sd.close();
    }
}
