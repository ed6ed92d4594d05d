package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.io.Models;
import org.slime4j.io.Segmentation;
import org.slime4j.io.Sessions;

/** Plugins › SLiMe › SLiMe Segment: a 16-bit label image of the current image or stack. */
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

    @Parameter(type = ItemIO.OUTPUT)
    private ImagePlus labels;

    @Parameter(type = ItemIO.OUTPUT, required = false)
    private ImagePlus confidence_map;

    @Override
    public void run() {
        try {
            LearnedParts parts = LearnedParts.load(learned_parts.toPath());
            status.showStatus("SLiMe: loading " + model);
            Segmentation.Result r;
            try (Sessions.Lease lease = Sessions.open(Models.parse(model), execution(), log::info)) {
                status.showStatus("SLiMe: segmenting " + image.getTitle());
                r = Segmentation.segment(lease.slime(), parts, image, all_slices, tilingChoice(), seed, confidence);
            }
            labels = r.labels();
            confidence_map = r.confidence();
            status.showStatus("SLiMe: " + labels.getTitle() + " (" + parts.partNames() + ")");
            status.clearStatus();
        } catch (Exception e) {
            log.error("SLiMe Segment: " + e.getMessage());
            cancel(e.getMessage());
        }
    }
}
