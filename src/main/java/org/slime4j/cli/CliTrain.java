package org.slime4j.cli;

import static org.slime4j.core.slime.SlimeOption.*;

import ij.ImagePlus;
import ij.gui.Roi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.RoiMasks;
import org.slime4j.jobs.Training;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code slime train}: learned parts from annotated images, with one line per epoch and the outcome at the end. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Learn parts from annotated images; writes a .slime file.")
final class CliTrain implements Callable<Integer> {
    @CommandLine.Mixin
    SlimeCli.Common common;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "training image (repeat for few-shot)")
    List<Path> images;

    @Option(names = "--labels", paramLabel = "FILE", description = "label image per --image (0 = background, "
            + "1..K-1 the parts)")
    List<Path> labels = new ArrayList<>();

    @Option(names = "--rois", paramLabel = "FILE.zip", description = "ROI-set .zip per --image (as the ROI Manager "
            + "saves it); each ROI named after its part")
    List<Path> rois = new ArrayList<>();

    @Option(names = "--parts", paramLabel = "A,B,...", description = "part names after the background, comma "
            + "separated (default: the ROI names; with --labels: part1, part2, ... up to the largest label)")
    String parts = "";

    @Option(names = "--out", required = true, paramLabel = "FILE.slime", description = "the .slime file to write")
    Path out;

    @Option(names = "--epochs", defaultValue = "200", converter = CliValues.AtLeast1.class,
            description = "training epochs (default: ${DEFAULT-VALUE}, the paper's)")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.1", converter = CliValues.Positive.class,
            description = "Adam's learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", defaultValue = "42", description = "random seed: the same seed, the same result "
            + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--size", defaultValue = "512", converter = CliValues.WorkingSize.class,
            description = "working size S, a multiple of 8 (default: ${DEFAULT-VALUE}; 256 is ~4x faster on a CPU)")
    int size;

    @Option(names = "--no-augment", description = "switch the reference's augmentation off")
    boolean noAugment;

    @Option(names = "--no-validate", description = "keep the last epoch instead of the best one")
    boolean noValidate;

    @Option(names = "--overwrite", description = "replace an existing --out")
    boolean overwrite;

    @Option(names = "--init", paramLabel = "FILE.slime", description = "continue from this learned-parts file: its "
            + "vectors, optimizer and random state go on (its parts first; new parts may follow); --epochs more "
            + "epochs; the new file records the lineage")
    Path init;

    @Override
    public Integer call() throws Exception {
        checkAnnotations();
        List<ImagePlus> opened = new ArrayList<>();
        List<ImagePlus> labelImages = new ArrayList<>();
        List<Roi[]> roiSets = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            opened.add(CliIo.open(images.get(i), "--image"));
            roiSets.add(rois.isEmpty() ? new Roi[0] : CliIo.readRois(rois.get(i)));
            labelImages.add(labels.isEmpty() ? null : CliIo.open(labels.get(i), "--labels"));
        }
        List<String> names = !parts.isBlank() || labels.isEmpty() ? RoiMasks.partNames(parts, roiSets.get(0))
                : RoiMasks.partNamesForLabels(labelImages);
        if (parts.isBlank() && !labels.isEmpty()) {
            System.err.println("slime: parts from the label image(s): " + names.subList(1, names.size())
                    + " (name them with --parts)");
        }
        InputMapping mapping = Training.mapping(opened.get(0));                 // one rule for all, as stored
        List<Trainer.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            pairs.addAll(Training.pairs(opened.get(i), roiSets.get(i), labelImages.get(i), names, mapping));
        }
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, size).with(EPOCHS, epochs).with(LEARNING_RATE, lr)
                .with(SEED, seed).with(AUGMENT, !noAugment);
        Slime.TrainingRequest request = new Slime.TrainingRequest(names, null, pairs, !noValidate, mapping, 0, init);
        Trained t = Training.train(common.model, common.execution(), request, o, out, overwrite, progress(epochs),
                () -> false, System.err::println);
        System.out.println("wrote " + out + ": parts " + names + "; " + t.summary());
        return 0;
    }

    /** Either labels or ROI sets, one per image; else a usage error (exit 2). */
    private void checkAnnotations() {
        CommandLine cmd = new CommandLine(this);
        if (labels.isEmpty() == rois.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "give either --labels or --rois, one per --image ("
                    + images.size() + " images)");
        }
        if (Math.max(labels.size(), rois.size()) != images.size()) {
            throw new CommandLine.ParameterException(cmd, "give one " + (labels.isEmpty() ? "--rois" : "--labels")
                    + " per --image: " + images.size() + " images, " + Math.max(labels.size(), rois.size())
                    + " annotations");
        }
    }

    /**
     * One line per epoch of a run of {@code epochs}: loss, IoU, seconds and the time left (a continued training
     * counts its epochs on).
     */
    static Trainer.Listener progress(int epochs) {
        long[] last = {System.nanoTime()};
        double[] perEpoch = {0};
        int[] run = {0};
        return new Trainer.Listener() {
            @Override
            public void epoch(int epoch, double loss, double iou, boolean best) {
                long now = System.nanoTime();
                double seconds = (now - last[0]) / 1e9;
                last[0] = now;
                perEpoch[0] = run[0] == 0 ? seconds : 0.8 * perEpoch[0] + 0.2 * seconds;
                int first = epoch - (++run[0]) + 1;                  // a continued training counts on
                System.err.printf("epoch %d/%d: loss %.4f%s, %.1f s, about %s left%n", epoch,
                        first - 1 + epochs, loss, Double.isNaN(iou) ? "" : String.format(", IoU %.3f%s", iou,
                                best ? " (best so far)" : ""), seconds, duration(perEpoch[0] * (epochs
                                - run[0])));
            }
        };
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format("%.1f h", s / 3600.0);
    }
}
