package org.slime4j.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Image files as every front end reads and writes them: opened by ImageJ without any dialog (a batch run must never
 * wait for a click), written as TIFF atomically (a hidden temporary file renamed into place, so no half-written file
 * is ever left under a final name), and the temporaries a killed run left removed.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** {@code x_labels.tif} -> {@code x_confidence.tif}; else {@code x.tif} -> {@code x_confidence.tif}. */
    public static Path confidenceFor(Path labels) {
        String name = labels.getFileName().toString().replaceFirst("\\.tiff?$", "");
        return labels.resolveSibling((name.endsWith("_labels") ? name.substring(0, name.length() - 7) : name)
                + "_confidence.tif");
    }

    /**
     * Opens an image with ImageJ without any dialog (a batch run must never wait for a click): null when ImageJ
     * cannot read it.
     */
    public static ImagePlus openQuietly(Path file) {
        Opener opener = new Opener();
        opener.setSilentMode(true);
        if (opener.getFileType(file.toString()) == Opener.UNKNOWN) {
            return null;                   // ImageJ's error for these aborts a running macro with a modal dialog
        }
        boolean redirect = IJ.redirectingErrorMessages();
        IJ.redirectErrorMessages(true);
        try {
            return opener.openImage(file.toString());
        } finally {
            IJ.redirectErrorMessages(redirect);
        }
    }

    /** Saves as TIFF beside the target under a hidden temporary name, then renames it into place. */
    public static void writeAtomically(ImagePlus imp, Path target) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new IOException("Output folder " + folder + " does not exist: create it, or choose another output.");
        }
        Path tmp = target.resolveSibling(TEMPORARY_PREFIX + target.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        try {
            boolean ok = imp.getStackSize() > 1 ? new FileSaver(imp).saveAsTiffStack(tmp.toString())
                    : new FileSaver(imp).saveAsTiff(tmp.toString());
            if (!ok) {
                throw new IOException("could not write " + tmp);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final String TEMPORARY_PREFIX = ".";

    /**
     * Deletes what a killed run left of {@code target}: its hidden temporary files. Each target belongs to one shard,
     * so no other task of the array writes it; a task killed by {@code scancel} or a time limit (SIGKILL after
     * SLURM's grace period) leaves such a file, and the rerun of its shard removes it before doing the target again.
     */
    public static void deleteStaleTemporaries(Path target) throws IOException {
        String prefix = TEMPORARY_PREFIX + target.getFileName() + ".";
        try (Stream<Path> s = Files.list(target.getParent())) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
