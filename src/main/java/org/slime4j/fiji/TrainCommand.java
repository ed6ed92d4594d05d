package org.slime4j.fiji;

import static org.slime4j.core.slime.SlimeOption.*;

import ij.ImagePlus;
import java.io.File;
import java.util.List;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.Models;
import org.slime4j.imagej.RoiMasks;
import org.slime4j.jobs.Sessions;
import org.slime4j.jobs.Training;
import org.slime4j.imagej.Workflows;

/**
 * Plugins › SLiMe › SLiMe Train: learn parts on the current image from its ROIs (ROI Manager, overlay, or an ROI-set
 * file) or a label image (a file, or an open image by title).
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Train", label = "SLiMe Train")
public class TrainCommand extends ModelCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Parts (blank: the ROI names)", required = false, persist = false,
            initializer = "offerRoiNames")
    private String parts = "";

    @Parameter(choices = {"ROI Manager", "Overlay", "ROI set file", "Label image"})
    private String annotation = "ROI Manager";

    @Parameter(label = "Annotation file (ROI set .zip; label image: a file or an open image's title)",
            style = "open", required = false, persist = false)
    private File annotation_file;

    @Parameter(label = "Save learned parts as", style = "save", persist = false)
    private File output;

    @Parameter(min = "1")
    private int epochs = 200;

    @Parameter
    private double learning_rate = 0.1;

    @Parameter
    private long seed = 42;

    @Parameter(choices = {"auto", "cpu", "gpu"})
    private String device = "auto";

    @Parameter(min = "64")
    private int working_size = 512;

    @Parameter
    private boolean augment = true;

    @Parameter(label = "Keep the best epoch (segments the training images each epoch)")
    private boolean validate = true;

    @Parameter(label = "Live preview every n epochs (0: off)", min = "0")
    private int preview_every = 0;

    @Parameter
    private boolean overwrite = false;

    @Parameter(label = "Continue from learned parts (optional)", style = "open", required = false, persist = false)
    private File continue_from;

    /** Proposes the part names of the image's ROIs (ROI Manager, else overlay). */
    protected void offerRoiNames() {
        if (image != null && (parts == null || parts.isBlank())) {
            parts = Workflows.roiPartNames(image);
        }
    }

    @Override
    public void run() {
        try {
            Workflows.Annotated given = Workflows.annotation(image, Annotations.Source.parse(annotation),
                    annotation_file == null ? null : annotation_file.getPath());
            List<String> names = RoiMasks.partNames(parts, given.rois());
            InputMapping mapping = Training.mapping(image);
            List<Trainer.Pair> pairs = Training.pairs(image, given.rois(), given.labels(), names, mapping);
            SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, working_size).with(EPOCHS, epochs)
                    .with(LEARNING_RATE, learning_rate).with(SEED, seed).with(AUGMENT, augment);
            Slime.TrainingRequest request = new Slime.TrainingRequest(names, null, pairs, validate, mapping,
                    preview_every, continue_from == null ? null : continue_from.toPath());
            Trained t = Training.train(Models.parse(model), Sessions.execution(DeviceChoice.parse(device)), request,
                    o, output == null ? null : output.toPath(), overwrite, progress(epochs * pairs.size(),
                            names.size()), this::isCanceled, status::showStatus);
            log.info(label() + ": " + names + ", " + t.summary() + (output == null || t.outcome().epochsRun() == 0
                    ? "" : ", saved " + output));
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }

    private Trainer.Listener progress(int total, int partCount) {
        return new Trainer.Listener() {
            @Override
            public void step(Trainer.StepReport r) {
                status.showStatus(r.step(), total, String.format("SLiMe epoch %d, loss %.4f", r.epoch(),
                        r.result().loss()));
            }

            @Override
            public void epoch(int epoch, double loss, double iou, boolean best) {
                log.info(String.format("SLiMe epoch %d: loss %.4f, IoU %.3f%s", epoch, loss, iou,
                        best ? " (best)" : ""));
            }

            @Override
            public void preview(int epoch, LabelImage labels) {
                Workflows.showPreview(image, labels, partCount);
            }
        };
    }
}
