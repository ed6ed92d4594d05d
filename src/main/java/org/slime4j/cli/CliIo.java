package org.slime4j.cli;

import ij.ImagePlus;
import ij.gui.Roi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.ImageFiles;

/** The CLI's image and ROI files, read with ImageJ, each failure naming the file and the option. */
final class CliIo {
    private CliIo() {
    }

    static ImagePlus open(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(option + " " + file + " does not exist" + (Files.isDirectory(file)
                    ? " as a file (it is a folder)." : "."));
        }
        ImagePlus imp = ImageFiles.openQuietly(file);
        if (imp == null) {
            throw new IOException(option + " " + file + " is not an image ImageJ can open (TIFF, PNG, JPEG, ...).");
        }
        return imp;
    }

    /** The ROIs of an ImageJ ROI-set zip (as the ROI Manager saves it), in order; errors name the file. */
    static Roi[] readRois(Path zip) throws IOException {
        return Annotations.readRoiSet(zip);
    }
}
