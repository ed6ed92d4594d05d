package org.slime4j.fiji;

import ij.ImagePlus;
import java.io.File;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Tiling;

/** Plugins › SLiMe › SLiMe Segment: a 16-bit label image of the current image or stack. */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Segment", label = "SLiMe Segment")
public class SegmentCommand extends ModelCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Learned parts (.slime)", style = "open")
    private File learned_parts;

    @Parameter(label = "Every slice (else the current one)")
    private boolean all_slices = true;

    @Parameter(choices = {"squeeze", "tiles"})
    private String tiling = "squeeze";

    @Parameter(label = "Tile scale (image pixels to working pixels)")
    private double tile_scale = 1.0;

    @Parameter
    private double tile_overlap = 0.25;

    @Parameter
    private long seed = 0;

    @Parameter(choices = {"auto", "cpu", "gpu"})
    private String device = "auto";

    @Parameter
    private StatusService status;

    @Parameter
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT)
    private ImagePlus labels;

    @Override
    public void run() {
        try {
            LearnedParts parts = LearnedParts.load(learned_parts.toPath());
            status.showStatus("SLiMe: loading " + model);
            var slime = Sessions.open(Workflows.modelPath(model), DeviceChoice.parse(device));
            status.showStatus("SLiMe: segmenting " + image.getTitle());
            labels = Segmentation.segment(slime, parts, image, all_slices, tilingOf(tiling, tile_scale, tile_overlap),
                    seed);
            status.showStatus("SLiMe: " + labels.getTitle() + " (" + parts.partNames() + ")");
        } catch (Exception e) {
            log.error("SLiMe Segment: " + e.getMessage());
            cancel(e.getMessage());
        }
    }

    static Tiling tilingOf(String mode, double scale, double overlap) {
        return switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "squeeze" -> Tiling.squeeze();
            case "tiles" -> Tiling.tiles(scale, overlap);
            default -> throw new IllegalArgumentException("tiling '" + mode + "' is not squeeze or tiles");
        };
    }
}
