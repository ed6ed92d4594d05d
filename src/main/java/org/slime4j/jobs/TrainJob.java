package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.Images;
import org.slime4j.imagej.RoiMasks;
import org.slime4j.imagej.TrainingPairs;

/**
 * SLiMe Train as every front end runs it: learn parts from annotated images on the session's model and save them.
 * The part names are {@code parts} (space or comma separated) when given, else the ROIs' names, else part1, part2,
 * ... up to the largest label of the label images; all images are mapped to RGB by the first image's rule, which is
 * stored. Progress counts the steps of this run; epochs count on from a continued file's. A training that continues
 * a {@code .slime} file takes that file's options (working size, seed, t range, augmentation, loss weights,
 * learning rate, layers) except those the user {@code given}, and its own number of epochs; it says which it took.
 *
 * @param images       the annotated images (one: one-shot; more: few-shot)
 * @param given        the options the user gave explicitly (a flag, a macro key, a changed field)
 * @param previewEvery 0, or a live preview every this many epochs
 * @param continueFrom null, or a {@code .slime} file to go on training from
 * @param output       null (nothing saved), or the {@code .slime} file to write (kept epoch; also after a cancel)
 * @param checkpoints  how often the training state is written beside the output ({@link Checkpoints}), and whether
 *                     the checkpoint of an unfinished run of this very training is resumed
 */
public record TrainJob(List<Annotations.Annotated> images, String parts, Path model, Execution execution,
                       SlimeOptions options, Set<SlimeOption> given, boolean validate, int previewEvery,
                       Path continueFrom, Path output, boolean overwrite, Checkpoints.Policy checkpoints)
        implements Job<Trained> {
    public TrainJob {
        images = List.copyOf(images);
        given = Set.copyOf(given);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("training needs at least one annotated image");
        }
        images.forEach(a -> Images.notPlot(a.image(), "train on"));
    }

    @Override
    public Trained run(JobListener listener) throws IOException {
        if (output != null) {
            Outputs.file(output, overwrite, listener);
        }
        List<String> names = partNames(listener);
        InputMapping mapping = TrainingPairs.mapping(images.get(0).image());
        List<Trainer.Pair> pairs = new ArrayList<>();
        for (Annotations.Annotated a : images) {
            pairs.addAll(TrainingPairs.pairs(a.image(), a.rois(), a.labels(), names, mapping));
        }
        checkEveryPartHasPixels(names, pairs, listener);
        SlimeOptions planned = effectiveOptions(listener);
        Path checkpoint = output == null || checkpoints.everyEpochs() == 0 ? null : Checkpoints.fileFor(output);
        LearnedParts resumed = resumable(checkpoint, names, pairs, planned, listener);
        SlimeOptions o = resumed == null ? planned : planned.with(SlimeOption.EPOCHS, planned.epochs()
                - lastRound(resumed).epochs());
        Slime.TrainingRequest request = new Slime.TrainingRequest(names, null, pairs, validate, mapping, previewEvery,
                resumed == null ? continueFrom : checkpoint);
        MemoryCheck.training(model, o.workingSize(), execution, listener);
        listener.status("SLiMe: loading " + model + " (the first run also unpacks PyTorch, ~450 MB)");
        try (Sessions.Lease lease = Sessions.open(model, execution, listener::log);
             Checkpoints saver = checkpoint == null ? null : new Checkpoints(checkpoint, checkpoints, listener)) {
            if (continueFrom != null) {
                Models.checkWeights(LearnedParts.load(continueFrom), lease.slime().identity(), false, listener);
            }
            listener.status("SLiMe: training " + names + " on " + pairs.size() + " image(s)");
            List<EpochRecord> before = before(resumed);
            before.forEach(listener::epochRecord);
            Curves curves = output == null ? null : new Curves(Curves.fileFor(output), before);
            if (curves != null) {
                listener.log("SLiMe: the training's curves (losses, IoU per epoch) go to " + curves.file());
            }
            Trained t;
            try {
                t = lease.slime().train(request, o, new Reporter(listener, o.epochs(), pairs.size(), names, saver,
                        resumed == null ? null : planned, curves), listener::cancelled);
            } catch (RuntimeException e) {
                throw MemoryCheck.explained(e, "the training", saver == null ? "" : "Its checkpoint "
                        + checkpoint.getFileName() + " is kept: the same command goes on from there. ");
            }
            LearnedParts parts = resumed == null ? t.parts() : Checkpoints.asOneRound(t.parts(), planned);
            if (output != null && t.outcome().epochsRun() > 0) {
                parts.save(output, overwrite);
            }
            if (saver != null) {
                saver.finished();
            }
            return new Trained(parts, t.outcome(), t.previous());
        }
    }

    /**
     * The checkpoint of an unfinished run of this very training, when one is there and may be resumed (said in the
     * log, with the epoch it resumes at and the training time it saves); else null.
     */
    private LearnedParts resumable(Path checkpoint, List<String> names, List<Trainer.Pair> pairs, SlimeOptions planned,
                                   JobListener listener) throws IOException {
        if (checkpoint == null || !Files.isRegularFile(checkpoint)) {
            return null;
        }
        if (!checkpoints.resume()) {
            listener.log("SLiMe: the checkpoint " + checkpoint.getFileName() + " is not resumed (asked to start "
                    + "over): starting fresh.");
            return null;
        }
        LearnedParts ck = Checkpoints.matching(checkpoint, names, pairs.stream().map(p -> p.image().sha256())
                .toList(), pairs.stream().map(p -> p.mask().sha256()).toList(), planned, continueFrom == null ? null
                : LearnedParts.sha256(continueFrom), ModelIdentity.of(ModelFolder.resolve(model)), listener);
        if (ck != null) {
            int done = lastRound(ck).epochs();
            double saved = ck.continuation().history().stream().skip(Math.max(0, ck.continuation().history().size()
                    - done)).mapToDouble(EpochRecord::seconds).sum();
            listener.log(String.format("SLiMe: resuming from the checkpoint %s at epoch %d of %d (%s of training "
                    + "already done)", checkpoint.getFileName(), done + 1, planned.epochs(), duration(saved)));
        }
        return ck;
    }

    /** The epochs before this run: the resumed checkpoint's, else the continued file's, else none. */
    private List<EpochRecord> before(LearnedParts resumed) throws IOException {
        LearnedParts parent = resumed != null ? resumed : continueFrom != null ? LearnedParts.load(continueFrom) : null;
        return parent == null || parent.continuation() == null ? List.of() : parent.continuation().history();
    }

    private static Continuation.Round lastRound(LearnedParts parts) {
        List<Continuation.Round> lineage = parts.continuation().lineage();
        return lineage.get(lineage.size() - 1);
    }

    /** "42 s", "12 min", "3.1 h". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format("%.1f h", s / 3600.0);
    }

    /**
     * The options to train with: these, or when continuing a file, the file's with the given ones and this round's
     * epochs in place (said in the log).
     */
    private SlimeOptions effectiveOptions(JobListener listener) throws IOException {
        if (continueFrom == null) {
            return options;
        }
        SlimeOptions parent = LearnedParts.load(continueFrom).options();
        Map<SlimeOption, Object> mine = new EnumMap<>(SlimeOption.class);
        given.forEach(o -> mine.put(o, o.of(options)));
        mine.put(SlimeOption.EPOCHS, options.epochs());
        List<String> taken = new ArrayList<>();
        for (SlimeOption o : SlimeOption.offered()) {
            if (!mine.containsKey(o)) {
                taken.add(listener.option(o.key()) + "=" + o.format(o.of(parent)));
            }
        }
        listener.log("SLiMe: continuing " + continueFrom.getFileName() + " with its settings" + (taken.isEmpty() ? ""
                : " (" + String.join(", ", taken) + ", and the layers, t range and loss weights)") + "; given: "
                + (given.isEmpty() ? "nothing" : String.join(", ", given.stream().map(o -> listener.option(o.key())
                + "=" + o.format(o.of(options))).toList())));
        return parent.with(mine);
    }

    /** Refuses a named part that no annotation shows: it would be trained on nothing. */
    private static void checkEveryPartHasPixels(List<String> names, List<Trainer.Pair> pairs, JobListener listener) {
        long[] counts = new long[names.size()];
        for (Trainer.Pair p : pairs) {
            for (int v : p.mask().labels()) {
                counts[v]++;
            }
        }
        for (int k = 1; k < names.size(); k++) {
            if (counts[k] == 0) {
                throw new IllegalArgumentException("part '" + names.get(k) + "' has no pixel in the annotation: "
                        + "outline it in at least one image, or leave it out of " + listener.option("parts") + " ("
                        + names.subList(1, names.size()) + ")");
            }
        }
    }

    /** The part names, the background first; names found in label images are said in the log. */
    private List<String> partNames(JobListener listener) {
        List<ij.gui.Roi> rois = new ArrayList<>();
        List<ij.ImagePlus> labels = new ArrayList<>();
        for (Annotations.Annotated a : images) {
            rois.addAll(List.of(a.rois()));
            if (a.labels() != null) {
                labels.add(a.labels());
            }
        }
        if ((parts != null && !parts.isBlank()) || labels.isEmpty()) {
            return RoiMasks.partNames(parts, rois.toArray(new ij.gui.Roi[0]));
        }
        List<String> names = RoiMasks.partNamesForLabels(labels);
        listener.log("SLiMe: parts from the label image(s): " + names.subList(1, names.size()) + " (name them with "
                + listener.option("parts") + ")");
        return names;
    }

    /**
     * The trainer's reports as the job's: steps of this run of all, epochs with their time, the preview, each epoch's
     * record; and each epoch's snapshot to the checkpoints (as one round when resumed), but the last, which the
     * output itself holds.
     */
    private static final class Reporter implements Trainer.Listener {
        private final JobListener listener;
        private final int epochs;
        private final int total;
        private final List<String> names;
        private final Checkpoints saver;
        private final SlimeOptions resumedPlan;
        private final Curves curves;
        private final long start = System.nanoTime();
        private long lastEpoch = start;
        private int steps;
        private int epochsRun;
        private int snapshots;

        Reporter(JobListener listener, int epochs, int pairs, List<String> names, Checkpoints saver,
                 SlimeOptions resumedPlan, Curves curves) {
            this.listener = listener;
            this.epochs = epochs;
            this.total = epochs * pairs;
            this.names = names;
            this.saver = saver;
            this.resumedPlan = resumedPlan;
            this.curves = curves;
        }

        @Override
        public boolean wantsSnapshots() {
            return saver != null;
        }

        @Override
        public void snapshot(LearnedParts partsSoFar) {
            if (++snapshots < epochs) {
                try {
                    saver.offer(resumedPlan == null ? partsSoFar : Checkpoints.asOneRound(partsSoFar, resumedPlan));
                } catch (IOException e) {
                    listener.log("SLiMe: warning: the checkpoint could not be written (" + e.getMessage() + "); the "
                            + "training goes on");
                }
            }
        }

        @Override
        public void epochRecord(EpochRecord record) {
            listener.epochRecord(record);
            if (curves != null) {
                try {
                    curves.add(record);
                } catch (IOException e) {
                    listener.log("SLiMe: warning: " + curves.file() + " could not be written (" + e.getMessage() + ")");
                }
            }
        }

        @Override
        public void step(Trainer.StepReport r) {
            steps++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            listener.progress(new JobListener.Progress(steps, total, elapsed / steps * (total - steps),
                    String.format("SLiMe epoch %d, loss %.4f", r.epoch(), r.result().loss())));
        }

        @Override
        public void epoch(int epoch, double loss, double iou, boolean best) {
            long now = System.nanoTime();
            epochsRun++;
            double seconds = (now - lastEpoch) / 1e9;
            lastEpoch = now;
            double perEpoch = (now - start) / 1e9 / epochsRun;
            listener.epoch(new JobListener.Epoch(epoch, epoch - epochsRun + epochs, loss, iou, best, seconds,
                    perEpoch * (epochs - epochsRun)));
        }

        @Override
        public void preview(int epoch, LabelImage labels) {
            listener.preview(epoch, labels, names);
        }
    }
}
