package org.slime4j.ij1;

import ij.IJ;
import java.util.Map;
import org.slime4j.imagej.LabelsToRois;

/** SLiMe Labels to ROIs in plain ImageJ: the current label image's regions as named ROIs in the ROI Manager. */
public class LabelsToRoisPlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Labels to ROIs";
    }

    @Override
    void execute() throws Exception {
        Map<String, String> v = new Fields().flag("all_slices", false).ask(label());
        if (v != null) {
            int n = LabelsToRois.toRoiManager(IJ.getImage(), Fields.flag(v, "all_slices"));
            IJ.log(label() + ": " + n + " ROIs, named after their parts");
        }
    }
}
