package org.slime4j.imagej;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import ij.io.RoiDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Where a training image's annotation comes from, and reading it: the ROI Manager, the overlay, an ROI-set file (as
 * the ROI Manager saves it) or a label image (an open image named by its title, or a file). Headless there is no ROI
 * Manager: only the overlay, files and open images.
 */
public final class Annotations {
    /** The annotation choices of the Train dialogs and macros, by their labels. */
    public enum Source {
        ROI_MANAGER("ROI Manager"), OVERLAY("Overlay"), ROI_FILE("ROI set file"), LABEL_IMAGE("Label image");

        public final String label;

        Source(String label) {
            this.label = label;
        }

        /** Every label, in order: the choices of a dialog. */
        public static String[] labels() {
            return Arrays.stream(values()).map(s -> s.label).toArray(String[]::new);
        }

        /** The source with this label (or name), else an error listing the labels. */
        public static Source parse(String s) {
            for (Source a : values()) {
                if (a.label.equalsIgnoreCase(s.trim()) || a.name().equalsIgnoreCase(s.trim().replace(' ', '_'))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("annotation '" + s + "' is not one of: " + String.join(", ", labels()));
        }

        /** Whether this source needs {@code annotation_file}. */
        public boolean needsFile() {
            return this == ROI_FILE || this == LABEL_IMAGE;
        }
    }

    private Annotations() {
    }

    /** One training image and its annotation: ROIs, or a label image (the other is empty or null). */
    public record Annotated(ImagePlus image, Roi[] rois, ImagePlus labels) {
        public Annotated {
            rois = rois == null ? new Roi[0] : rois;
        }
    }

    /**
     * {@code imp} with its annotation from {@code source}: the ROI Manager's ROIs (its overlay's when the ROI Manager
     * has none, as headless), the overlay's, an ROI-set file's, or a label image ({@code file}: a file, or the title
     * of an open image).
     */
    public static Annotated of(ImagePlus imp, Source source, String file) throws IOException {
        if (source.needsFile() && (file == null || file.isBlank())) {
            throw new IllegalArgumentException("annotation '" + source.label + "' needs annotation_file: "
                    + (source == Source.ROI_FILE ? "the ROI set (.zip) the ROI Manager saved"
                    : "a label image file, or the title of an open label image"));
        }
        return switch (source) {
            case ROI_MANAGER, OVERLAY -> new Annotated(imp, rois(imp, source), null);
            case ROI_FILE -> new Annotated(imp, readRoiSet(Path.of(file.trim())), null);
            case LABEL_IMAGE -> new Annotated(imp, null, labelImage(file));
        };
    }

    /** The ROIs of the ROI Manager (its overlay's when it has none, as headless) or of the overlay. */
    public static Roi[] rois(ImagePlus imp, Source source) {
        if (source == Source.ROI_MANAGER && !GraphicsEnvironment.isHeadless()) {
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
        Roi[] rois = rois(imp, Source.ROI_MANAGER);
        List<String> names = RoiMasks.partNames("", rois.length > 0 ? rois : rois(imp, Source.OVERLAY));
        return String.join(" ", names.subList(1, names.size()));
    }

    /** The ROIs of an ImageJ ROI-set zip (as the ROI Manager saves it) or of a single {@code .roi} file, in order. */
    public static Roi[] readRoiSet(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("ROI set " + file + " does not exist: give the .zip the ROI Manager saved "
                    + "(More › Save...).");
        }
        List<Roi> out = new ArrayList<>();
        if (file.getFileName().toString().toLowerCase().endsWith(".roi")) {
            Roi roi = RoiDecoder.openFromByteArray(Files.readAllBytes(file));
            if (roi != null) {
                out.add(roi);
            }
        } else {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (e.getName().endsWith(".roi")) {
                        Roi roi = RoiDecoder.openFromByteArray(in.readAllBytes());
                        if (roi != null) {
                            out.add(roi);
                        }
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("ROI set " + file + " holds no ROIs: save the ROI Manager's ROIs as a .zip "
                    + "(More › Save...).");
        }
        return out.toArray(new Roi[0]);
    }

    /**
     * A label image: the open image titled {@code titleOrFile}, else that file opened (without a dialog); an error
     * naming it when it is neither.
     */
    public static ImagePlus labelImage(String titleOrFile) throws IOException {
        if (titleOrFile == null || titleOrFile.isBlank()) {
            throw new IllegalArgumentException("no label image given: set annotation_file to a label image file or "
                    + "the title of an open label image (0 = background, 1, 2, ... the parts)");
        }
        ImagePlus open = WindowManager.getImage(titleOrFile.trim());
        if (open != null) {
            return open;
        }
        Path file = Path.of(titleOrFile.trim());
        if (!Files.isRegularFile(file)) {
            throw new IOException("Label image " + titleOrFile + " is neither an open image's title nor a file.");
        }
        ImagePlus imp = ImageFiles.openQuietly(file);
        if (imp == null) {
            throw new IOException("Label image " + file + " is not an image ImageJ can open (TIFF, PNG, ...).");
        }
        return imp;
    }
}
