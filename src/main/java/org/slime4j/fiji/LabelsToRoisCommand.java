package org.slime4j.fiji;

import ij.ImagePlus;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.imagej.LabelsToRois;

/**
 * Plugins › SLiMe › SLiMe Labels to ROIs: the current label image's regions as named ROIs in the ROI Manager (one
 * per part and connected region), to correct a few and train again.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Labels to ROIs", label = "SLiMe Labels to ROIs")
public class LabelsToRoisCommand extends SlimeCommand {
    @Parameter
    private ImagePlus image;

    @Parameter(label = "Every slice (else the current one)")
    private boolean all_slices = false;

    @Override
    public void run() {
        try {
            int n = LabelsToRois.toRoiManager(image, all_slices);
            log.info(label() + ": " + n + " ROIs, named after their parts");
        } catch (Exception e) {
            fail(e);
        }
    }
}
