package org.slime4j.fiji;

import ij.ImagePlus;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › SLiMe › SLiMe Labels to ROIs: the current label image's regions as named ROIs in the ROI Manager (one
 * per part and connected region), to correct a few and train again.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Labels to ROIs", label = "SLiMe Labels to ROIs")
public class LabelsToRoisCommand extends ContextCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Every slice (else the current one)")
    private boolean all_slices = false;

    @Parameter
    private LogService log;

    @Override
    public void run() {
        try {
            int n = LabelsToRois.toRoiManager(image, all_slices);
            log.info("SLiMe Labels to ROIs: " + n + " ROIs, named after their parts");
        } catch (Exception e) {
            log.error("SLiMe Labels to ROIs: " + e.getMessage());
            cancel(e.getMessage());
        }
    }
}
