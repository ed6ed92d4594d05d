package org.slime4j.fiji;

import org.slime4j.io.Images;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slime4j.core.Slime;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;

/**
 * The Fiji operations with plain parameters, shared by the SciJava commands, the ImageJ 1.x plugin and the CLI:
 * annotations to training pairs, training, and what training reports. Thin over {@link Slime}.
 */
public final class Workflows {
    /** Where the training mask comes from. */
    public enum Annotation {
        ROI_MANAGER("ROI Manager"), OVERLAY("Overlay"), LABEL_IMAGE("Label image");

        public final String label;

        Annotation(String label) {
            this.label = label;
        }

        public static Annotation parse(String s) {
            for (Annotation a : values()) {
                if (a.label.equalsIgnoreCase(s.trim()) || a.name().equalsIgnoreCase(s.trim().replace(' ', '_'))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("annotation '" + s + "' is not one of: ROI Manager, Overlay, Label image");
        }
    }

    private Workflows() {
    }

    /** The ROIs of the chosen source; the ROI Manager falls back to the overlay when there is none (headless). */
    public static Roi[] rois(ImagePlus imp, Annotation source) {
        if (source == Annotation.ROI_MANAGER && !GraphicsEnvironment.isHeadless()) {
            RoiManager rm = RoiManager.getInstance();
            if (rm != null && rm.getCount() > 0) {
                return rm.getRoisAsArray();
            }
        }
        Overlay overlay = imp.getOverlay();
        return overlay == null ? new Roi[0] : overlay.toArray();
    }

    /** Shows a label image over {@code imp} as a translucent overlay named "SLiMe preview" (replacing the last). */
    public static void showPreview(ImagePlus imp, LabelImage labels, int parts) {
        ij.process.ShortProcessor sp = new ij.process.ShortProcessor(labels.width(), labels.height());
        for (int i = 0; i < labels.labels().length; i++) {
            sp.set(i, labels.labels()[i]);
        }
        sp.setLut(Images.lut(parts));
        sp.setMinAndMax(0, 255);
        ij.gui.ImageRoi roi = new ij.gui.ImageRoi(0, 0, sp.convertToRGB());
        roi.setOpacity(0.4);
        roi.setZeroTransparent(true);
        roi.setName("SLiMe preview");
        Overlay overlay = imp.getOverlay() == null ? new Overlay() : imp.getOverlay();
        int old = overlay.getIndex("SLiMe preview");
        if (old >= 0) {
            overlay.remove(old);
        }
        overlay.add(roi);
        imp.setOverlay(overlay);
    }
}
