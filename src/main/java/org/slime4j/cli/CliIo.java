package org.slime4j.cli;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The CLI's image and ROI files, read with ImageJ, each failure naming the file and the option. */
final class CliIo {
    private CliIo() {
    }

    static ImagePlus open(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(option + " " + file + " does not exist" + (Files.isDirectory(file)
                    ? " as a file (it is a folder)." : "."));
        }
        ImagePlus imp = org.slime4j.io.FolderJob.openQuietly(file);
        if (imp == null) {
            throw new IOException(option + " " + file + " is not an image ImageJ can open (TIFF, PNG, JPEG, ...).");
        }
        return imp;
    }

    /** The ROIs of an ImageJ ROI-set zip (as the ROI Manager saves it), in order. */
    static Roi[] readRois(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IOException("--rois " + zip + " does not exist.");
        }
        List<Roi> out = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().endsWith(".roi")) {
                    Roi roi = RoiDecoder.openFromByteArray(in.readAllBytes());
                    if (roi != null) {
                        out.add(roi);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("--rois " + zip + " holds no ROIs: save the ROI Manager's ROIs as a .zip "
                    + "(More › Save...).");
        }
        return out.toArray(new Roi[0]);
    }
}
