package org.slime4j.imagej;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
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
 * Where a training image's annotation comes from, and reading the sources that need no window: an ROI-set file (as
 * the ROI Manager saves it) and a label image (an open image named by its title, or a file). The ROI Manager and the
 * overlay are read by the Fiji front ends; headless, only files and open images exist.
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
