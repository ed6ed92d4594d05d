package org.slime4j.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slime4j.core.Slime;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Tiling;

/**
 * Segments every image of a folder that matches a glob, in name order, into {@code <name>_labels.tif} in the output
 * folder. Existing outputs are skipped, so a rerun continues where a killed run stopped; each output is written to a
 * temporary file and renamed, so no half-written file is ever left under the final name; a file that fails is
 * reported and the loop goes on. With a shard {@code i/n}, only the files at positions ≡ i-1 (mod n) are done, so an
 * array job of n tasks covers the folder exactly once.
 */
public final class FolderJob {
    /** What a run did; {@code failures} are "name: reason" lines. */
    public record Summary(int total, int written, int skipped, List<String> failures) {
        @Override
        public String toString() {
            return written + " written, " + skipped + " skipped (done before), " + failures.size() + " failed, of "
                    + total + " in this shard";
        }
    }

    /** Shard {@code index} of {@code count}, 1-based; parses "i/n". */
    public record Shard(int index, int count) {
        public Shard {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("shard " + index + "/" + count + " is not i/n with 1 <= i <= n");
            }
        }

        public static Shard parse(String s) {
            String[] p = s.trim().split("/");
            try {
                return new Shard(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("shard '" + s + "' is not of the form i/n, e.g. 2/8");
            }
        }
    }

    private FolderJob() {
    }

    /** The files of {@code folder} matching {@code glob}, sorted by name, that belong to {@code shard}. */
    public static List<Path> files(Path folder, String glob, Shard shard) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("Input folder " + folder + " does not exist.");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> all;
        try (Stream<Path> s = Files.list(folder)) {
            all = s.filter(Files::isRegularFile).filter(p -> matcher.matches(p.getFileName()))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        List<Path> mine = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % shard.count() == shard.index() - 1) {
                mine.add(all.get(i));
            }
        }
        return mine;
    }

    public static Path outputFor(Path input, Path outFolder) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return outFolder.resolve((dot > 0 ? name.substring(0, dot) : name) + "_labels.tif");
    }

    public static Summary run(Slime slime, LearnedParts parts, Path in, String glob, Path out, Shard shard,
                              Tiling tiling, long seed, Consumer<String> log, BooleanSupplier cancelled)
            throws IOException {
        List<Path> files = files(in, glob, shard);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("Output folder " + out + " is not a folder.");
        }
        Files.createDirectories(out);
        if (!Files.isWritable(out)) {
            throw new IOException("Output folder " + out + " is not writable.");
        }
        int written = 0;
        int skipped = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (cancelled.getAsBoolean()) {
                log.accept("cancelled after " + i + "/" + files.size());
                break;
            }
            Path file = files.get(i);
            Path target = outputFor(file, out);
            if (Files.exists(target)) {
                skipped++;
                log.accept((i + 1) + "/" + files.size() + " " + file.getFileName() + ": skipped, "
                        + target.getFileName() + " exists");
                continue;
            }
            try {
                ImagePlus imp = IJ.openImage(file.toString());
                if (imp == null) {
                    throw new IOException("not an image ImageJ can open");
                }
                ImagePlus labels = Segmentation.segment(slime, parts, imp, true, tiling, seed);
                writeAtomically(labels, target);
                written++;
                log.accept((i + 1) + "/" + files.size() + " " + file.getFileName() + " -> " + target.getFileName());
            } catch (Exception e) {
                failures.add(file.getFileName() + ": " + e.getMessage());
                log.accept((i + 1) + "/" + files.size() + " " + file.getFileName() + ": FAILED: " + e.getMessage());
            }
        }
        return new Summary(files.size(), written, skipped, failures);
    }

    /** Saves as TIFF beside the target under a hidden temporary name, then renames it into place. */
    public static void writeAtomically(ImagePlus imp, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
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
}
