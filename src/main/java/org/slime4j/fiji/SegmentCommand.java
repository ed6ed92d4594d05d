package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.imagej.Segmentation;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Models;
import org.slime4j.jobs.Sessions;

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
            LearnedParts parts = LearnedParts.load(learned_parts.toPath());
            Path saveAs = output == null ? null : output.toPath();
            if (saveAs != null && !overwrite && Files.exists(saveAs)) {
                throw new IOException("Output " + saveAs + " exists already; choose another name or allow "
                        + "overwriting (overwrite=true).");
            }
            status.showStatus("SLiMe: loading " + model);
            Segmentation.Result r;
            try (Sessions.Lease lease = Sessions.open(Models.parse(model), execution(), log::info)) {
                status.showStatus("SLiMe: segmenting " + image.getTitle());
                r = Segmentation.segment(lease.slime(), parts, image, all_slices, tilingChoice(), seed, confidence);
            }
            if (saveAs != null) {
                save(r, saveAs);
            }
            confidence_map = r.confidence();
            labels = r.labels();
            log.info(label() + ": " + labels.getTitle() + " (" + parts.partNames() + ")"
                    + (saveAs == null ? "" : ", saved " + saveAs));
            status.clearStatus();
        } catch (Exception e) {
            fail(e);
        }
    }

    /** The labels as {@code target}, the confidence map (if any) beside it, each replaced atomically. */
    private static void save(Segmentation.Result r, Path target) throws IOException {
        if (r.confidence() != null) {
            ImageFiles.writeAtomically(r.confidence(), ImageFiles.confidenceFor(target));
        }
        ImageFiles.writeAtomically(r.labels(), target);
    }
}
