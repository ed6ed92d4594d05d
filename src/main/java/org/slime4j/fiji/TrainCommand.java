package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import java.util.List;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.Slime;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.io.Models;
import org.slime4j.io.RoiMasks;
import org.slime4j.io.Sessions;
import org.slime4j.io.Training;

/** Plugins › SLiMe › SLiMe Train: learn parts from ROIs (or a label image) on the current image. */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Train", label = "SLiMe Train")
public class TrainCommand extends ModelCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Parts (blank: the ROI names)", required = false, persist = false,
            initializer = "offerRoiNames")
    private String parts = "";

    @Parameter(choices = {"ROI Manager", "Overlay", "Label image"})
    private String annotation = "ROI Manager";

    @Parameter(required = false, persist = false)
    private ImagePlus label_image;

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

    @Parameter
    private StatusService status;

    @Parameter
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT)
    private double training_iou;

    /** Proposes the part names of the image's ROIs (ROI Manager, else overlay), background first left out. */
    protected void offerRoiNames() {
        if (image != null && (parts == null || parts.isBlank())) {
            var rois = Workflows.rois(image, Workflows.Annotation.ROI_MANAGER);
            List<String> names = RoiMasks.partNames("", rois.length > 0 ? rois
                    : Workflows.rois(image, Workflows.Annotation.OVERLAY));
            parts = String.join(" ", names.subList(1, names.size()));
        }
    }

    @Override
    public void run() {
        try {
            Workflows.Annotation source = label_image != null ? Workflows.Annotation.LABEL_IMAGE
                    : Workflows.Annotation.parse(annotation);
            var rois = Workflows.rois(image, source);
            List<String> names = RoiMasks.partNames(parts, rois);
            InputMapping mapping = Training.mapping(image);
            List<Trainer.Pair> pairs = Training.pairs(image, rois,
                    source == Workflows.Annotation.LABEL_IMAGE ? label_image : null, names, mapping);
            SlimeOptions o = SlimeOptions.defaults().withWorkingSize(working_size).withEpochs(epochs)
                    .withLearningRate(learning_rate).withSeed(seed).withAugment(augment);
            Slime.TrainingRequest request = new Slime.TrainingRequest(names, null, pairs, validate, mapping,
                    preview_every, continue_from == null ? null : continue_from.toPath());
            int total = epochs * pairs.size();
            Trainer.Listener progress = new Trainer.Listener() {
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
                public void preview(int epoch, org.slime4j.core.slime.LabelImage labels) {
                    Workflows.showPreview(image, labels, names.size());
                }
            };
            Trained t = Training.train(Models.parse(model), Sessions.execution(DeviceChoice.parse(device)), request,
                    o, output == null ? null : output.toPath(), overwrite, progress, this::isCanceled,
                    status::showStatus);
            training_iou = t.outcome().bestIou();
            log.info("SLiMe Train: " + names + ", " + t.summary() + (output == null || t.outcome().epochsRun() == 0
                    ? "" : ", saved " + output));
            status.clearStatus();
        } catch (Exception e) {
            log.error("SLiMe Train: " + e.getMessage());
            cancel(e.getMessage());
        }
    }
}
