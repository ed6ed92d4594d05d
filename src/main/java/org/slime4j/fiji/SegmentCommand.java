package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.Models;
import org.slime4j.jobs.SegmentJob;

/**
 * Plugins › SLiMe › SLiMe Segment: a 16-bit label image of the current image or stack, shown (the active image
 * afterwards) and, with {@code output}, saved as a TIFF (headless, where images are not handed back to a macro).
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Segment", label = "SLiMe Segment")
public class SegmentCommand extends SegmentingCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Learned parts (.slime)", style = "open", callback = "proposeBaseModel")
    private File learned_parts;

    /** Proposes the base model the chosen parts were learned on, when the Hugging Face cache has it. */
    protected void proposeBaseModel() {
        if (learned_parts != null) {
            model = Models.proposedModel(learned_parts.toPath(), model);
        }
    }

    @Parameter(label = "Every slice (else the current one)")
    private boolean all_slices = true;

    @Parameter(label = "Also a confidence map (where to annotate next)")
    private boolean confidence = false;

    @Parameter(label = "Also save the labels as (TIFF; optional, needed headless)", style = "save", required = false,
            persist = false)
    private File output;

    @Parameter(label = "Replace an existing saved file")
    private boolean overwrite = false;

    @Parameter(type = ItemIO.OUTPUT, required = false)
    private ImagePlus confidence_map;

    @Parameter(type = ItemIO.OUTPUT)
    private ImagePlus labels;

    @Override
    public void run() {
        try {
            Segmentation.Result r = new SegmentJob(image, path(learned_parts), modelPath(), execution(), all_slices,
                    tilingChoice(), seed, confidence, path(output), overwrite, false).run(listener(null));
            confidence_map = r.confidence();
            labels = r.labels();
            log.info(label() + ": " + labels.getTitle() + " (" + labels.getProp("SLiMe.parts") + ")"
                    + (output == null ? "" : ", saved " + output));
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }
}
