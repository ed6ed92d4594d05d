package org.slime4j.imagej;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slime4j.core.slime.LabelImage;

/**
 * What the Fiji front ends (the SciJava commands and the ImageJ 1.x plugin) share beyond the headless I/O: the
 * annotation of the image to train on, and the live preview.
 */
public final class Workflows {
    private Workflows() {
    }

    /** A training annotation: ROIs, or a label image (the other is null). */
    public record Annotated(Roi[] rois, ImagePlus labels) {
    }

    /**
     * The annotation of {@code imp} from {@code source}: the ROI Manager's ROIs (its overlay's when the ROI Manager
     * has none, as headless), the overlay's, an ROI-set file's, or a label image ({@code file}: a file, or the title
     * of an open image).
     */
    public static Annotated annotation(ImagePlus imp, Annotations.Source source, String file) throws IOException {
        if (source.needsFile() && (file == null || file.isBlank())) {
            throw new IllegalArgumentException("annotation '" + source.label + "' needs annotation_file: "
                    + (source == Annotations.Source.ROI_FILE ? "the ROI set (.zip) the ROI Manager saved"
                    : "a label image file, or the title of an open label image"));
        }
        return switch (source) {
            case ROI_MANAGER, OVERLAY -> new Annotated(rois(imp, source), null);
            case ROI_FILE -> new Annotated(Annotations.readRoiSet(Path.of(file.trim())), null);
            case LABEL_IMAGE -> new Annotated(new Roi[0], Annotations.labelImage(file));
        };
    }

    /** The ROIs of the ROI Manager (its overlay's when it has none, as headless) or of the overlay. */
    public static Roi[] rois(ImagePlus imp, Annotations.Source source) {
        if (source == Annotations.Source.ROI_MANAGER && !GraphicsEnvironment.isHeadless()) {
            RoiManager rm = RoiManager.getInstance();
            if (rm != null && rm.getCount() > 0) {
                return rm.getRoisAsArray();
            }
        }
        Overlay overlay = imp.getOverlay();
        return overlay == null ? new Roi[0] : overlay.toArray();
    }

    /** The part names of the image's ROIs (ROI Manager, else overlay) after the background, space separated. */
    public static String roiPartNames(ImagePlus imp) {
        Roi[] rois = rois(imp, Annotations.Source.ROI_MANAGER);
        List<String> names = RoiMasks.partNames("", rois.length > 0 ? rois : rois(imp, Annotations.Source.OVERLAY));
        return String.join(" ", names.subList(1, names.size()));
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
