package org.slime4j.core.slime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slime4j.core.model.StableDiffusion;

/**
 * One training, as {@link Trainer#train} runs it: where it stands (the vectors, the best ones and Adam's state, on the
 * device; per step only the losses come back), its epochs of steps, the validation that keeps the best epoch, and
 * what it gives back. Not thread-safe; closing it frees what it kept on the device.
 */
final class TrainingRun implements AutoCloseable {
    private final Trainer.Setup setup;
    private final SlimeOptions o;
    private final Randomness random;
    private final Trainer.Listener listener;
    private final NDManager keep;
    private final Encodings encodings;
    private final Adam adam;
    private final Augmentation augmentation;
    private final int firstEpoch;
    private final double background;
    private final List<EpochRecord> history = new ArrayList<>();
    private final double[] lossSums = new double[4];                // this epoch's loss1, loss2, sd loss, loss
    private long epochStart = System.nanoTime();
    private NDArray vectors;
    private NDArray best;
    private int bestEpoch;
    private double bestIou;
    private double[] bestIous = new double[0];
    private int step;

    TrainingRun(Trainer.Setup setup, Randomness random, Trainer.State from, Trainer.Listener listener) {
        this.setup = setup;
        this.o = setup.options();
        this.random = random;
        this.listener = listener;
        TextContext text = setup.text();
        int k = text.parts();
        keep = setup.sd().manager().newSubManager();
        encodings = new Encodings(setup.sd());                // the VAE's moments of images that do not change
        vectors = Rows.toDevice(keep, from == null ? text.initialVectors() : from.vectors());
        best = Rows.toDevice(keep, from == null ? text.initialVectors() : from.best());
        bestEpoch = from == null ? 0 : from.bestEpoch();
        bestIou = from == null ? Double.NEGATIVE_INFINITY : from.bestIou();
        adam = from == null ? new Adam(keep, o.learningRate(), k - 1, text.width())
                : new Adam(keep, o.learningRate(), from.adamM(), from.adamV(), from.adamSteps());
        augmentation = o.augment() ? new Augmentation(random.augmentation(), o, k, adam.steps()) : null;
        firstEpoch = (from == null ? 0 : from.epochs()) + 1;
        step = adam.steps();
        background = setup.validation().isEmpty() ? Double.NaN : Trainer.backgroundIou(setup.validation(), k);
    }

    /** The epochs, a step per pair; a cancel between steps ends it with what it kept. */
    Trainer.Outcome run(BooleanSupplier cancelled) {
        for (int epoch = firstEpoch; epoch < firstEpoch + o.epochs(); epoch++) {
            java.util.Arrays.fill(lossSums, 0);
            epochStart = System.nanoTime();
            for (Trainer.Pair pair : setup.pairs()) {
                if (cancelled.getAsBoolean()) {
                    return outcome(epoch - 1, true);
                }
                step(pair, epoch);
            }
            endEpoch(epoch);
        }
        return outcome(firstEpoch - 1 + o.epochs(), false);
    }

    /** One step on {@code pair} (augmented as the reference does), Adam's update; its losses add to the epoch's. */
    private void step(Trainer.Pair pair, int epoch) {
        StableDiffusion sd = setup.sd();
        TextContext text = setup.text();
        int l = o.latentSize();
        boolean details = listener.wantsStepDetails();
        Trainer.Pair sample = augmentation == null ? pair : augmentation.apply(pair);
        int[] mask = sample.mask().resizeNearest(l, l).labels();
        step++;
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray image = sample.image().toArray(m);
            int t = random.timestep(o.trainTMin(), o.trainTMax());
            NDArray eps = random.normal(m, new Shape(1, 4, l, l));
            NDArray noise = random.normal(m, new Shape(1, 4, l, l));
            TrainStep.OnDevice r = TrainStep.run(sd, text, o, image, augmentation == null ? new TrainStep.Kept(
                    encodings, pair.image()) : null, mask, t, eps, noise, vectors, Trace.NONE);
            int[] check = null;
            double iou = Double.NaN;
            if (setup.settings().checkEveryStep()) {
                check = new Segmenter(sd, text, vectors, o).segment(image, l, random, Trace.NONE).labels();
                iou = LabelImage.meanIou(check, mask, text.parts());
            }
            TrainStep.Result reported = details ? r.toHost()
                    : new TrainStep.Result(r.loss1(), r.loss2(), r.sdLoss(), r.loss(), null);
            NDArray next = adam.step(vectors, r.gradients());
            r.gradients().close();
            vectors.close();
            vectors = next;
            listener.step(new Trainer.StepReport(epoch, step, t, reported, details ? Rows.toHost(vectors) : null,
                    check, iou));
            lossSums[0] += r.loss1();
            lossSums[1] += r.loss2();
            lossSums[2] += r.sdLoss();
            lossSums[3] += r.loss();
        }
    }

    /**
     * Validation (the best epoch kept; ties go to the later one, as the reference's {@code >=}), the epoch's record,
     * the preview.
     */
    private void endEpoch(int epoch) {
        int n = setup.pairs().size();
        double meanLoss = lossSums[3] / n;
        List<Trainer.Pair> validation = setup.validation();
        double[] ious = Trainer.validate(new Segmenter(setup.sd(), setup.text(), vectors, o).keeping(encodings),
                validation, setup.text().parts(), random);
        double iou = validation.isEmpty() ? Double.NaN : Arrays.stream(ious).average().orElseThrow();
        boolean improved = !validation.isEmpty() && iou >= bestIou;
        if (improved) {
            bestIou = iou;
            bestIous = ious;
            bestEpoch = epoch;
            best.close();
            best = vectors.duplicate();
        }
        EpochRecord record = new EpochRecord(epoch, meanLoss, lossSums[0] / n, lossSums[1] / n, lossSums[2] / n,
                Arrays.stream(ious).boxed().toList(), iou, background, (System.nanoTime() - epochStart) / 1e9);
        history.add(record);
        listener.epochRecord(record);
        if (listener.wantsSnapshots()) {
            listener.epochState(state(epoch));             // before the epoch is reported: what the log says is kept
        }
        listener.epoch(epoch, meanLoss, iou, improved);
        int every = setup.settings().previewEvery();
        if (every > 0 && epoch % every == 0) {
            boolean kept = !validation.isEmpty();                  // the kept epoch so far, as the file would hold it
            RgbImage first = setup.pairs().get(0).image();
            int[] labels = new Segmenter(setup.sd(), setup.text(), kept ? best : vectors, o).atImageSize(first,
                    Tiling.squeeze(), Randomness.seeded(o.seed() + epoch), false).labels();     // its own draws
            listener.preview(kept ? bestEpoch : epoch, new LabelImage(first.width(), first.height(), labels));
        }
    }

    /** Where the training stands after {@code epochs} epochs in all. */
    Trainer.State state(int epochs) {
        return new Trainer.State(Rows.toHost(vectors), adam.firstMoments(), adam.secondMoments(), adam.steps(),
                epochs, Rows.toHost(best), bestEpoch, bestIou);
    }

    /**
     * The outcome after {@code epochs} epochs in all: the best validated epoch's vectors when there is one, else
     * the last epoch's.
     */
    private Trainer.Outcome outcome(int epochs, boolean cancelled) {
        Trainer.State last = state(epochs);
        boolean kept = bestIou > Double.NEGATIVE_INFINITY && !setup.validation().isEmpty();
        return new Trainer.Outcome(kept ? last.best() : last.vectors(), epochs, kept ? bestEpoch : epochs,
                kept ? bestIou : Double.NaN, bestIous, background, cancelled, List.copyOf(history), last);
    }

    @Override
    public void close() {
        encodings.close();
        keep.close();
    }
}
