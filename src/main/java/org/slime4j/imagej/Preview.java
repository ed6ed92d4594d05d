package org.slime4j.imagej;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.process.ShortProcessor;
import org.slime4j.core.slime.LabelImage;

/** The live preview of a training: labels shown over the training image as a translucent overlay. */
public final class Preview {
    /** The overlay element's name; one preview at a time. */
    public static final String NAME = "SLiMe preview";

    private Preview() {
    }

    /** Shows {@code labels} over {@code imp} as a translucent overlay named {@value #NAME} (replacing the last). */
    public static void show(ImagePlus imp, LabelImage labels, int parts) {
        ShortProcessor sp = new ShortProcessor(labels.width(), labels.height());
        for (int i = 0; i < labels.labels().length; i++) {
            sp.set(i, labels.labels()[i]);
        }
        sp.setLut(Images.lut(parts));
        sp.setMinAndMax(0, 255);
        ImageRoi roi = new ImageRoi(0, 0, sp.convertToRGB());
        roi.setOpacity(0.4);
        roi.setZeroTransparent(true);
        roi.setName(NAME);
        Overlay overlay = imp.getOverlay() == null ? new Overlay() : imp.getOverlay();
        int old = overlay.getIndex(NAME);
        if (old >= 0) {
            overlay.remove(old);
        }
        overlay.add(roi);
        imp.setOverlay(overlay);
    }
}
