package org.slime4j.imagej;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.process.LUT;
import ij.process.ShortProcessor;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.slime4j.core.slime.LabelImage;

/**
 * The live preview of a training: the kept epoch's labels over the training image as a translucent overlay, with a
 * legend (which epoch, and each part in its colour); {@link #remove} takes it away when the training ends.
 */
public final class Preview {
    /** The prefix of the names of the overlay elements the preview adds; one preview at a time. */
    public static final String NAME = "SLiMe preview";

    private Preview() {
    }

    /** Shows {@code labels} of {@code epoch} over {@code imp} with a legend of {@code parts}, replacing the last. */
    public static void show(ImagePlus imp, LabelImage labels, int epoch, List<String> parts) {
        ShortProcessor sp = new ShortProcessor(labels.width(), labels.height());
        for (int i = 0; i < labels.labels().length; i++) {
            sp.set(i, labels.labels()[i]);
        }
        LUT lut = Images.lut(parts.size());
        sp.setLut(lut);
        sp.setMinAndMax(0, 255);
        ImageRoi roi = new ImageRoi(0, 0, sp.convertToRGB());
        roi.setOpacity(0.4);
        roi.setZeroTransparent(true);
        roi.setName(NAME);
        Overlay overlay = imp.getOverlay() == null ? new Overlay() : imp.getOverlay();
        remove(overlay);
        overlay.add(roi);
        int size = Math.max(10, Math.min(imp.getWidth(), imp.getHeight()) / 30);
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, size);
        legend(overlay, "SLiMe: kept epoch " + epoch, Color.WHITE, font, 0);
        for (int k = 1; k < parts.size(); k++) {
            legend(overlay, "\u25A0 " + parts.get(k), new Color(lut.getRGB(k)), font, k);
        }
        imp.setOverlay(overlay);
    }

    private static void legend(Overlay overlay, String text, Color colour, Font font, int line) {
        TextRoi t = new TextRoi(4, 4 + line * (font.getSize() + 4), text, font);
        t.setStrokeColor(colour);
        t.setFillColor(new Color(0, 0, 0, 128));
        t.setName(NAME + " legend");
        overlay.add(t);
    }

    /** Takes the preview (image and legend) off {@code imp}, leaving the rest of its overlay. */
    public static void remove(ImagePlus imp) {
        if (imp != null && imp.getOverlay() != null) {
            remove(imp.getOverlay());
            imp.setOverlay(imp.getOverlay().size() == 0 ? null : imp.getOverlay());
        }
    }

    private static void remove(Overlay overlay) {
        for (Roi r : overlay.toArray()) {
            if (r.getName() != null && r.getName().startsWith(NAME)) {
                overlay.remove(r);
            }
        }
    }
}
