package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slime4j.core.model.StableDiffusion;

/**
 * SLiMe's training loop: epochs over the (image, mask) pairs, one {@link TrainStep} and one {@link Adam} update per
 * pair, augmentation as the reference (when on), validation after each epoch with the best mean IoU kept (ties go
 * to the later epoch, as the reference's {@code >=}). Cancellation is checked between steps and returns the best
 * result so far. Not thread-safe; one run at a time per JVM (a DJL gradient collector is global).
 */
public final class Trainer {
    /** One annotated image: RGB in [0, 1] and labels 0..K-1 of the same size. */
    public record Pair(RgbImage image, LabelImage mask) {
        public Pair {
            if (image.width() != mask.width() || image.height() != mask.height()) {
                throw new IllegalArgumentException("image " + image.width() + "×" + image.height()
                        + " and mask " + mask.width() + "×" + mask.height() + " differ in size");
            }
        }
    }

    /**
     * What a training step reports. {@code checkLabels} is null unless {@link Settings#checkEveryStep}; the result's
     * gradients and {@code vectorsAfter} are null unless the listener {@link Listener#wantsStepDetails wants them}.
     */
    public record StepReport(int epoch, int step, int t, TrainStep.Result result, float[][] vectorsAfter,
                             int[] checkLabels, double trainIou) {
    }

    /** Called after every step and every epoch; {@code validationIou} is NaN without validation images. */
    public interface Listener {
        default void step(StepReport report) {
        }

        default void epoch(int epoch, double meanLoss, double validationIou, boolean best) {
        }

        /** Every {@link Settings#previewEvery} epochs: the first training image segmented with the current vectors. */
        default void preview(int epoch, LabelImage labels) {
        }

        /** Once, at the end (also after a cancel): what was kept and why. */
        default void finished(Outcome outcome) {
        }

        /**
         * Whether {@link #step} wants each step's gradients and vectors: they are then brought to the host every
         * step (tests and checks); otherwise only the losses are, and the step report has null for both.
         */
        default boolean wantsStepDetails() {
            return false;
        }
    }

    /** A listener that wants nothing. */
    public static final Listener NONE = new Listener() {
    };

    /**
     * @param checkEveryStep segment the training image at L×L inside each step (before the update) and report its
     *                       IoU, as the reference logs it; costs one UNet pass and two random draws per step
     * @param previewEvery   0, or segment the first training image every this many epochs for a live preview
     *                       (its own random draws, so results do not depend on it)
     */
    public record Settings(boolean checkEveryStep, int previewEvery) {
    }

    /**
     * The outcome: the kept vectors (best validation epoch, else the last), how far the run got, the kept epoch's
     * mean IoU on the validation images and what labelling every pixel background would score there (the baseline
     * that shows whether anything was learned); both NaN without validation images.
     *
     * @param imageIous  the kept epoch's IoU on each validation image (empty without validation)
     * @param epochLosses the mean loss of each epoch this run trained, in order
     */
    public record Outcome(float[][] vectors, int epochsRun, int bestEpoch, double bestIou, double[] imageIous,
                          double backgroundIou, boolean cancelled, double[] epochLosses, State last) {
    }

    /**
     * Where a training stands after its last step, and where a continued one starts: the vectors, Adam's moments
     * and steps, the epochs run in all, and the best epoch so far (its vectors and IoU; epoch 0 and -inf: none).
     */
    public record State(float[][] vectors, float[][] adamM, float[][] adamV, int adamSteps, int epochs,
                        float[][] best, int bestEpoch, double bestIou) {
    }

    private Trainer() {
    }

    public static Outcome train(StableDiffusion sd, TextContext text, SlimeOptions o, List<Pair> pairs,
                                List<Pair> validation, Randomness random, Settings settings, Listener listener,
                                BooleanSupplier cancelled) {
        return train(sd, text, o, pairs, validation, random, null, settings, listener, cancelled);
    }

    /**
     * Trains {@code o.epochs()} epochs, from the text's initial vectors, or from {@code from} (a saved
     * {@link State}; with the random draws restored as saved, the result equals one uninterrupted training).
     */
    public static Outcome train(StableDiffusion sd, TextContext text, SlimeOptions o, List<Pair> pairs,
                                List<Pair> validation, Randomness random, State from, Settings settings,
                                Listener listener, BooleanSupplier cancelled) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("training needs at least one annotated image");
        }
        int k = text.parts();
        int l = o.latentSize();
        boolean details = listener.wantsStepDetails();
        // the vectors, the best ones and Adam's state stay on the device; per step only the losses come back
        try (NDManager keep = sd.manager().newSubManager()) {
            NDArray vectors = Rows.toDevice(keep, from == null ? text.initialVectors() : from.vectors());
            NDArray best = Rows.toDevice(keep, from == null ? text.initialVectors() : from.best());
            int bestEpoch = from == null ? 0 : from.bestEpoch();
            double bestIou = from == null ? Double.NEGATIVE_INFINITY : from.bestIou();
            Adam adam = from == null ? new Adam(keep, o.learningRate(), k - 1, text.width())
                    : new Adam(keep, o.learningRate(), from.adamM(), from.adamV(), from.adamSteps());
            Augmentation augmentation = o.augment() ? new Augmentation(random.augmentation(), o, k, adam.steps())
                    : null;
            int done = from == null ? 0 : from.epochs();
            int step = adam.steps();
            double background = validation.isEmpty() ? Double.NaN : backgroundIou(validation, k);
            double[] bestIous = new double[0];
            List<Double> losses = new java.util.ArrayList<>();
            for (int epoch = done + 1; epoch <= done + o.epochs(); epoch++) {
                double lossSum = 0;
                for (Pair pair : pairs) {
                    if (cancelled.getAsBoolean()) {
                        boolean any = bestIou > Double.NEGATIVE_INFINITY;
                        State last = new State(Rows.toHost(vectors), adam.firstMoments(), adam.secondMoments(),
                                adam.steps(), epoch - 1, Rows.toHost(best), bestEpoch, bestIou);
                        return finish(listener, new Outcome(Rows.toHost(any ? best : vectors), epoch - 1,
                                any ? bestEpoch : epoch - 1, any ? bestIou : Double.NaN, bestIous, background, true,
                                unboxed(losses), last));
                    }
                    Pair sample = augmentation == null ? pair : augmentation.apply(pair);
                    int[] mask = sample.mask().resizeNearest(l, l).labels();
                    step++;
                    try (NDManager m = sd.manager().newSubManager()) {
                        NDArray image = sample.image().toArray(m);
                        int t = random.timestep(o.trainTMin(), o.trainTMax());
                        NDArray eps = random.normal(m, new Shape(1, 4, l, l));
                        NDArray noise = random.normal(m, new Shape(1, 4, l, l));
                        TrainStep.OnDevice r = TrainStep.run(sd, text, o, image, mask, t, eps, noise, vectors,
                                Trace.NONE);
                        int[] check = null;
                        double iou = Double.NaN;
                        if (settings.checkEveryStep()) {
                            check = new Segmenter(sd, text, vectors, o).segment(image, l, random, Trace.NONE)
                                    .labels();
                            iou = LabelImage.meanIou(check, mask, k);
                        }
                        TrainStep.Result reported = details ? r.toHost()
                                : new TrainStep.Result(r.loss1(), r.loss2(), r.sdLoss(), r.loss(), null);
                        NDArray next = adam.step(vectors, r.gradients());
                        r.gradients().close();
                        vectors.close();
                        vectors = next;
                        lossSum += r.loss();
                        listener.step(new StepReport(epoch, step, t, reported, details ? Rows.toHost(vectors) : null,
                                check, iou));
                    }
                }
                double[] ious = validate(new Segmenter(sd, text, vectors, o), validation, k, random);
                double iou = validation.isEmpty() ? Double.NaN : java.util.Arrays.stream(ious).average().orElseThrow();
                boolean improved = !validation.isEmpty() && iou >= bestIou;
                losses.add(lossSum / pairs.size());
                if (improved) {
                    bestIou = iou;
                    bestIous = ious;
                    bestEpoch = epoch;
                    best.close();
                    best = vectors.duplicate();
                }
                listener.epoch(epoch, lossSum / pairs.size(), iou, improved);
                if (settings.previewEvery() > 0 && epoch % settings.previewEvery() == 0) {
                    RgbImage first = pairs.get(0).image();
                    int[] labels = new Segmenter(sd, text, vectors, o).atImageSize(first, Tiling.squeeze(),
                            Randomness.seeded(o.seed() + epoch), false).labels();     // its own draws
                    listener.preview(epoch, new LabelImage(first.width(), first.height(), labels));
                }
            }
            int epochs = done + o.epochs();
            State last = new State(Rows.toHost(vectors), adam.firstMoments(), adam.secondMoments(), adam.steps(),
                    epochs, Rows.toHost(best), bestEpoch, bestIou);
            return finish(listener, validation.isEmpty()
                    ? new Outcome(last.vectors(), epochs, epochs, Double.NaN, bestIous, Double.NaN, false,
                    unboxed(losses), last)
                    : new Outcome(last.best(), epochs, bestEpoch, bestIou, bestIous, background, false,
                    unboxed(losses), last));
        }
    }

    private static Outcome finish(Listener listener, Outcome outcome) {
        listener.finished(outcome);
        return outcome;
    }

    /**
     * The mean IoU of segmenting each validation image as a user sees it (at S, the labels scaled back to the image's
     * own size) against its full-size mask.
     */
    static double[] validate(Segmenter segmenter, List<Pair> validation, int parts, Randomness random) {
        double[] ious = new double[validation.size()];
        for (int i = 0; i < ious.length; i++) {
            Pair p = validation.get(i);
            int[] labels = segmenter.atImageSize(p.image(), Tiling.squeeze(), random, false).labels();
            ious[i] = LabelImage.meanIou(labels, p.mask().labels(), parts);
        }
        return ious;
    }

    private static double[] unboxed(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The mean IoU of labelling every pixel background, over the validation images. */
    static double backgroundIou(List<Pair> validation, int parts) {
        double sum = 0;
        for (Pair p : validation) {
            sum += LabelImage.meanIou(new int[p.mask().labels().length], p.mask().labels(), parts);
        }
        return sum / validation.size();
    }
}
