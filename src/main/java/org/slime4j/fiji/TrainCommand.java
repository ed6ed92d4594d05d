package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.Preview;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * Plugins › SLiMe › SLiMe Train: learn parts on the current image from its ROIs (ROI Manager, overlay, or an ROI-set
 * file) or a label image (a file, or an open image by title). The option fields are named after {@link SlimeOption}
 * keys, which give their initial values.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Train", label = "SLiMe Train")
public class TrainCommand extends ModelCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Parts (blank: the ROI names)", required = false, persist = false,
            initializer = "offerRoiNames")
    private String parts = "";

    @Parameter(choices = {"ROI Manager", "Overlay", "ROI set file", "Label image"})
    private String annotation = Annotations.Source.ROI_MANAGER.label;

    @Parameter(label = "Annotation file (ROI set .zip; label image: a file or an open image's title)",
            style = "open", required = false, persist = false)
    private File annotation_file;

    @Parameter(label = "Save learned parts as", style = "save", persist = false, callback = "offerToContinue")
    private File output;

    @Parameter
    private int epochs = (int) SlimeOption.EPOCHS.defaultValue();

    @Parameter
    private double learning_rate = (double) SlimeOption.LEARNING_RATE.defaultValue();

    @Parameter
    private long seed = (long) SlimeOption.SEED.defaultValue();

    @Parameter
    private int working_size = (int) SlimeOption.WORKING_SIZE.defaultValue();

    @Parameter
    private boolean augment = (boolean) SlimeOption.AUGMENT.defaultValue();

    @Parameter(label = "Keep the best epoch (segments the training images each epoch)")
    private boolean validate = true;

    @Parameter(label = "Live preview every n epochs (0: off)", min = "0")
    private int preview_every = 0;

    @Parameter
    private boolean overwrite = false;

    @Parameter(label = "Checkpoint every n epochs (0: never; to go on after a crash or kill)", min = "0")
    private int checkpoint_every = Checkpoints.Policy.DEFAULT.everyEpochs();

    @Parameter(label = "Continue an unfinished training of this output (from its checkpoint)")
    private boolean resume = Checkpoints.Policy.DEFAULT.resume();

    @Parameter(label = "Continue from learned parts (optional)", style = "open", required = false, persist = false,
            callback = "takeSettingsFrom")
    private File continue_from;

    /** Fills the option fields from the file to continue, whose settings a continued training keeps. */
    protected void takeSettingsFrom() {
        try {
            fill(LearnedParts.load(continue_from.toPath()).options());
        } catch (IOException | RuntimeException e) {
            // not a readable .slime file: the training says so when it starts
        }
    }

    /**
     * Offers to go on with an unfinished training of the chosen output (its checkpoint is there): its settings are
     * filled in and resume is ticked, so that OK continues it; the status bar says so.
     */
    protected void offerToContinue() {
        Checkpoints.Unfinished u = output == null ? null : Checkpoints.unfinished(output.toPath());
        if (u != null) {
            fill(u.options());
            epochs = u.options().epochs();
            resume = true;
            if (status != null) {
                status.showStatus("SLiMe: " + u + "; OK goes on from there (untick resume to start over)");
            }
        }
    }

    private void fill(SlimeOptions o) {
        working_size = o.workingSize();
        learning_rate = o.learningRate();
        seed = o.seed();
        augment = o.augment();
    }

    /** Proposes the part names of the image's ROIs (ROI Manager, else overlay). */
    protected void offerRoiNames() {
        if (image != null && (parts == null || parts.isBlank())) {
            try {
                parts = Annotations.roiPartNames(image);
            } catch (RuntimeException e) {
                parts = "";                          // an unnamed ROI: the training says which when it starts
            }
        }
    }

    @Override
    public void run() {
        try {
            Annotations.Annotated annotated = Annotations.of(image, Annotations.Source.parse(annotation),
                    annotation_file == null ? null : annotation_file.getPath());
            Trained t = new TrainJob(List.of(annotated), parts, modelPath(), execution(),
                    OptionFields.slimeOptions(this), OptionFields.given(this), validate, preview_every,
                    path(continue_from), path(output), overwrite, new Checkpoints.Policy(checkpoint_every,
                    Checkpoints.Policy.DEFAULT.minSeconds(), resume)).run(listener(image));
            log.info(label() + ": " + t.parts().partNames() + ", " + t.summary() + (output == null
                    || t.outcome().epochsRun() == 0 ? "" : ", saved " + output));
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        } finally {
            Preview.remove(image);                          // the preview served while training; the image is theirs
        }
    }
}
