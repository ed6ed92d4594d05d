package org.slime4j.core.slime;

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

        /**
         * Every {@link Settings#previewEvery} epochs: the first training image segmented with the kept epoch's
         * vectors (with validation; else the current ones), and that epoch.
         */
        default void preview(int epoch, LabelImage labels) {
        }

        /** After every epoch: how it went (losses by term, validation IoU per image, seconds). */
        default void epochRecord(EpochRecord record) {
        }

        /**
         * Whether {@link #snapshot} wants the training as a file after every epoch (checkpoints): the state is then
         * brought to the host each epoch (a few kilobytes).
         */
        default boolean wantsSnapshots() {
            return false;
        }

        /**
         * After every epoch, when {@link #wantsSnapshots}: the training so far as learned parts (the kept vectors,
         * the state to go on from, the lineage and history so far), as {@link Slime#train} would save it now.
         */
        default void snapshot(LearnedParts partsSoFar) {
        }

        /** After every epoch, when {@link #wantsSnapshots}: where the training stands (the facade's hook). */
        default void epochState(State state) {
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
     * @param history    how each epoch this run trained went, in order
     */
    public record Outcome(float[][] vectors, int epochsRun, int bestEpoch, double bestIou, double[] imageIous,
                          double backgroundIou, boolean cancelled, List<EpochRecord> history, State last) {
    }

    /**
     * Where a training stands after its last step, and where a continued one starts: the vectors, Adam's moments
     * and steps, the epochs run in all, and the best epoch so far (its vectors and IoU; epoch 0 and -inf: none).
     */
    public record State(float[][] vectors, float[][] adamM, float[][] adamV, int adamSteps, int epochs,
                        float[][] best, int bestEpoch, double bestIou) {
        /** The same start with no best epoch yet: a round on other data keeps the best of its own epochs. */
        public State withoutBest() {
            return new State(vectors, adamM, adamV, adamSteps, epochs, vectors, 0, Double.NEGATIVE_INFINITY);
        }
    }

    private Trainer() {
    }

    /**
     * What a training runs on: the model and its text context, the options, the pairs to train on and the ones to
     * validate on after each epoch (none: keep the last epoch), and the settings.
     */
    public record Setup(StableDiffusion sd, TextContext text, SlimeOptions options, List<Pair> pairs,
                        List<Pair> validation, Settings settings) {
        public Setup {
            pairs = List.copyOf(pairs);
            validation = List.copyOf(validation);
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("training needs at least one annotated image");
            }
        }
    }

    /**
     * Trains {@code options.epochs()} epochs, from the text's initial vectors, or from {@code from} (a saved
     * {@link State}; with the random draws restored as saved, the result equals one uninterrupted training).
     */
    public static Outcome train(Setup setup, Randomness random, State from, Listener listener,
                                BooleanSupplier cancelled) {
        try (TrainingRun run = new TrainingRun(setup, random, from, listener)) {
            Outcome outcome = run.run(cancelled);
            listener.finished(outcome);
            return outcome;
        }
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

    /** The mean IoU of labelling every pixel background, over the validation images. */
    static double backgroundIou(List<Pair> validation, int parts) {
        double sum = 0;
        for (Pair p : validation) {
            sum += LabelImage.meanIou(new int[p.mask().labels().length], p.mask().labels(), parts);
        }
        return sum / validation.size();
    }
}
