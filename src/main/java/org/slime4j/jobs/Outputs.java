package org.slime4j.jobs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output paths, checked the same way by every job before any work starts (a training that finds its output
 * unwritable after hours has thrown the hours away): a file is not a folder and is not replaced unless allowed; its
 * folder, and a folder output, is created when missing (with its parents), is a folder, and can be written. Every
 * message names the path and the fix.
 */
public final class Outputs {
    private Outputs() {
    }

    /** {@code target} can be written: checks and creates as the class says. */
    public static void file(Path target, boolean overwrite, JobListener listener) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException("Output " + target + " is a folder, not a file: give a file name in it, e.g. "
                    + target.resolve(target.getFileName() + (target.toString().endsWith(".slime") ? "" : ".tif")));
        }
        if (Files.exists(target) && !overwrite) {
            throw new IOException("Output " + target + " exists already; choose another name or allow overwriting ("
                    + listener.option("overwrite") + ").");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            folder(parent);
        }
    }

    /** {@code folder} exists (created when missing), is a folder and can be written. */
    public static void folder(Path folder) throws IOException {
        for (Path p = folder.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException("Output folder " + folder + " is not a folder: " + p + " is a file. Choose "
                        + "another output.");
            }
        }
        try {
            Files.createDirectories(folder);
            Files.delete(Files.createTempFile(folder, ".slime-write-check", ".tmp"));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Output folder " + folder + " is not a folder: " + e.getFile() + " is a file. Choose "
                    + "another output.");
        } catch (IOException | SecurityException e) {
            throw new IOException("Output folder " + folder + " is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): choose another output, or fix its "
                    + "permissions.");
        }
    }
}
