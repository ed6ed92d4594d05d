package org.slime4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.TrainJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code slime train}: learned parts from annotated images, with one line per epoch and the outcome at the end. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Learn parts from annotated images; writes a .slime file.")
final class CliTrain implements Callable<Integer>, CliOptions.Takes {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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

    @Option(names = "--no-validate", description = "keep the last epoch instead of the best one")
    boolean noValidate;

    @Option(names = "--overwrite", description = "replace an existing --out")
    boolean overwrite;

    @Option(names = "--init", paramLabel = "FILE.slime", description = "continue from this learned-parts file: its "
            + "vectors, optimizer and random state go on (its parts first; new parts may follow); --epochs more "
            + "epochs; the new file records the lineage")
    Path init;

    @Option(names = "--checkpoint-every", defaultValue = "1", converter = CliValues.AtLeast0.class, paramLabel = "N",
            description = "write the training's state beside --out (OUT.checkpoint) every N epochs, to go on from "
                    + "after a kill; 0: never (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--checkpoint-minutes", defaultValue = "1", converter = CliValues.NonNegative.class, paramLabel = "M",
            hidden = true, description = "at most every M minutes (default: ${DEFAULT-VALUE})")
    double checkpointMinutes;

    @Option(names = "--no-resume", description = "start over even when a checkpoint of this very training is there "
            + "(by default the same command run again goes on from it)")
    boolean noResume;

    @Override
    public List<SlimeOption> slimeOptions() {
        return SlimeOption.offered();
    }

    @Override
    public List<ExecutionOption> executionOptions() {
        return List.of(ExecutionOption.DEVICE, ExecutionOption.ATTENTION_SLICE, ExecutionOption.MEMORY_CHECK);
    }

    @Override
    public Integer call() throws Exception {
        checkAnnotations();
        List<Annotations.Annotated> annotated = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            annotated.add(new Annotations.Annotated(CliIo.open(images.get(i), "--image"),
                    rois.isEmpty() ? null : CliIo.readRois(rois.get(i)),
                    labels.isEmpty() ? null : CliIo.open(labels.get(i), "--labels")));
        }
        Map<SlimeOption, Object> given = CliOptions.given(spec, slimeOptions());
        Trained t = new TrainJob(annotated, parts, common.model, common.execution(CliOptions.givenExecution(spec,
                executionOptions())), SlimeOptions.defaults().with(given), given.keySet(), !noValidate, 0, init, out,
                overwrite, new Checkpoints.Policy(checkpointEvery, checkpointMinutes * 60, !noResume)).run(progress());
        System.out.println("wrote " + out + ": parts " + t.parts().partNames() + "; " + t.summary());
        return 0;
    }

    /** Either labels or ROI sets, one per image; else a usage error (exit 2). */
    private void checkAnnotations() {
        if (labels.isEmpty() == rois.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --labels or --rois, one per "
                    + "--image (" + images.size() + " images)");
        }
        if (Math.max(labels.size(), rois.size()) != images.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give one " + (labels.isEmpty() ? "--rois"
                    : "--labels") + " per --image: " + images.size() + " images, " + Math.max(labels.size(),
                    rois.size()) + " annotations");
        }
    }

    /** A training on stderr: what it does, one line per epoch (loss, IoU, seconds, time left), notices. */
    static JobListener progress() {
        return new StderrListener() {
            @Override
            public void status(String line) {
                System.err.println(line);
            }

            @Override
            public void epoch(Epoch e) {
                System.err.printf("epoch %d/%d: loss %.4f%s, %.1f s, about %s left%n", e.epoch(), e.lastEpoch(),
                        e.loss(), Double.isNaN(e.iou()) ? "" : String.format(", IoU %.3f%s", e.iou(),
                                e.best() ? " (best so far)" : ""), e.seconds(), duration(e.secondsLeft()));
            }
        };
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format("%.1f h", s / 3600.0);
    }
}
