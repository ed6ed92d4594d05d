package org.slime4j.jobs;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.imagej.Provenance;
import org.slime4j.imagej.Segmentation;

/**
 * Segments every image of a folder that matches a glob, in name order, into {@code <name>_labels.tif} in the output
 * folder. Existing outputs are skipped, so a rerun continues where a killed run stopped; each output is written to a
 * temporary file and renamed, so no half-written file is ever left under the final name; a file that fails is
 * reported and the loop goes on. With a shard {@code i/n}, only the files at positions ≡ i-1 (mod n) are done, so an
 * array job of n tasks covers the folder exactly once.
 *
 * @param input        the folder to segment
 * @param pattern      which of its files (a glob, e.g. {@link #IMAGES})
 * @param output       the folder of the label TIFFs (created)
 * @param learnedParts the {@code .slime} file
 * @param model        the base model
 * @param confidence   also {@code <name>_confidence.tif}, written before the labels
 * @param strict       parts learned on other weights of the model's architecture are an error, not a warning
 */
public record FolderJob(Path input, String pattern, Path output, Path learnedParts, Path model, Execution execution,
                        Shard shard, Tiling tiling, long seed, boolean confidence, boolean strict)
        implements Job<FolderJob.Summary> {
    /**
     * What a run did: {@code written} outputs ({@code redone} of them replaced outputs made by other learned parts
     * or settings), {@code skipped} ones made before by the same; {@code failures} are "name: reason" lines.
     */
    public record Summary(int total, int written, int skipped, int redone, List<String> failures) {
        @Override
        public String toString() {
            return written + " written" + (redone > 0 ? " (" + redone + " redone: made by other learned parts or "
                    + "settings)" : "") + ", " + skipped + " skipped (done before), " + failures.size() + " failed, of "
                    + total + " in this shard";
        }
    }

    /**
     * Shard {@code index} of {@code count}, 1-based. {@link #parse} reads "i/n", or "slurm": this task's share of a
     * SLURM array job, from the variables SLURM sets for each task, so that 0- and 1-based arrays and steps
     * ({@code --array=0-15}, {@code 1-16}, {@code 0-30:2}) all cover the folder exactly once.
     */
    public record Shard(int index, int count) {
        public Shard {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("shard " + index + "/" + count + " is outside 1.." + count
                        + ": give i/n with 1 <= i <= n, e.g. 2/8");
            }
        }

        public static Shard parse(String s) {
            return parse(s, System.getenv());
        }

        /** As {@link #parse(String)}, with the environment given (SLURM's variables for "slurm"). */
        public static Shard parse(String s, Map<String, String> env) {
            if (s.trim().equalsIgnoreCase("slurm")) {
                return slurm(env);
            }
            String[] p = s.trim().split("/");
            int index;
            int count;
            try {
                index = Integer.parseInt(p[0].trim());
                count = Integer.parseInt(p[1].trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("shard '" + s + "' is not of the form i/n (e.g. 2/8) or slurm");
            }
            return new Shard(index, count);
        }

        /** This array task's shard; 1/1 outside an array job. */
        static Shard slurm(Map<String, String> env) {
            String id = env.get("SLURM_ARRAY_TASK_ID");
            if (id == null) {
                return new Shard(1, 1);
            }
            int task = number(env, "SLURM_ARRAY_TASK_ID");
            int min = number(env, "SLURM_ARRAY_TASK_MIN");
            int count = number(env, "SLURM_ARRAY_TASK_COUNT");
            int step = env.containsKey("SLURM_ARRAY_TASK_STEP") ? number(env, "SLURM_ARRAY_TASK_STEP") : 1;
            int max = env.containsKey("SLURM_ARRAY_TASK_MAX") ? number(env, "SLURM_ARRAY_TASK_MAX") : task;
            if (step < 1 || (task - min) % step != 0 || (max - min) / step + 1 != count) {
                throw new IllegalArgumentException("SLURM array task " + task + " of " + env.get("SLURM_JOB_ID")
                        + " is not on a regular range (min " + min + ", max " + max + ", step " + step + ", count "
                        + count + "): submit with --array=FIRST-LAST or FIRST-LAST:STEP");
            }
            return new Shard((task - min) / step + 1, count);
        }

        private static int number(Map<String, String> env, String name) {
            String value = env.get(name);
            try {
                return Integer.parseInt(value.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("shard=slurm needs " + name + " to be a number, got '" + value
                        + "'");
            }
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    /** The default pattern: the image types ImageJ opens without plugins, in either case. */
    public static final String IMAGES = "*.{tif,tiff,png,jpg,jpeg,bmp,gif,TIF,TIFF,PNG,JPG,JPEG,BMP,GIF}";

    /** The files of {@code folder} matching {@code glob}, sorted by name, that belong to {@code shard}. */
    public static List<Path> files(Path folder, String glob, Shard shard) throws IOException {
        return mine(matching(folder, glob), shard);
    }

    /**
     * Every file of {@code folder} matching {@code glob}, sorted by name; none is an error that lists what the folder
     * holds, since a wrong pattern would otherwise look like a finished job.
     */
    static List<Path> matching(Path folder, String glob) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("Input folder " + folder + " does not exist.");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> all;
        try (Stream<Path> s = Files.list(folder)) {
            all = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .toList();
        }
        List<Path> matched = all.stream().filter(p -> matcher.matches(p.getFileName())).toList();
        if (matched.isEmpty()) {
            List<String> names = all.stream().limit(5).map(p -> p.getFileName().toString()).toList();
            throw new IOException("No file in " + folder + " matches the pattern '" + glob + "'; the folder holds "
                    + (all.isEmpty() ? "no files" : all.size() + " files (" + String.join(", ", names)
                    + (all.size() > 5 ? ", ..." : "") + ")") + ". Give a pattern such as '*.png' or '*.{tif,png}'.");
        }
        return matched;
    }

    private static List<Path> mine(List<Path> all, Shard shard) {
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

    /**
     * Segments this job's share of the folder with the learned parts on the session's model; every file's outcome is
     * a log line, a failing file one of the summary's failures.
     */
    @Override
    public Summary run(JobListener listener) throws IOException {
        LearnedParts parts = LearnedParts.load(learnedParts);
        Outputs.folder(output);
        List<Path> all = matching(input, pattern);
        List<Path> files = mine(all, shard);
        listener.log("shard " + shard + ": " + files.size() + " of the " + all.size() + " files matching '"
                + pattern + "' in " + input);
        MemoryCheck.segmentation(model, parts.options(), tiling, execution, listener);
        try (Sessions.Lease lease = Sessions.open(model, execution, listener::log)) {
            Models.checkWeights(parts, lease.slime().identity(), strict, listener);
            return segment(lease.slime(), parts, files, listener);
        }
    }

    private Summary segment(Slime slime, LearnedParts parts, List<Path> files, JobListener listener)
            throws IOException {
        Provenance wanted = SegmentJob.provenance(learnedParts, tiling, seed, execution);
        int[] counts = new int[Done.values().length];
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (listener.cancelled()) {
                listener.log("cancelled after " + i + "/" + files.size());
                break;
            }
            Path file = files.get(i);
            String at = (i + 1) + "/" + files.size() + " " + file.getFileName();
            try {
                Path target = outputFor(file, output);
                Done done = segmentOne(slime, parts, wanted, file, target);
                counts[done.ordinal()]++;
                listener.log(at + done.says(target));
                listener.progress(new JobListener.Progress(i + 1, files.size(), Double.NaN, "SLiMe " + at));
            } catch (Exception e) {
                String why = e instanceof RuntimeException r ? MemoryCheck.explained(r, "segmenting " + file
                        .getFileName(), "").getMessage() : e.getMessage();
                failures.add(file.getFileName() + ": " + why);
                listener.log(at + ": FAILED: " + why);
            }
        }
        return new Summary(files.size(), counts[Done.WRITTEN.ordinal()] + counts[Done.REDONE.ordinal()],
                counts[Done.SKIPPED.ordinal()], counts[Done.REDONE.ordinal()], failures);
    }

    /** What became of one file. */
    private enum Done {
        WRITTEN(" -> %s"), REDONE(" -> %s (redone: the old one was made by other learned parts or settings, or its "
                + "confidence map was missing)"), SKIPPED(": skipped, %s exists (made by these learned parts and "
                + "settings)");

        private final String says;

        Done(String says) {
            this.says = says;
        }

        String says(Path target) {
            return String.format(says, target.getFileName());
        }
    }

    /**
     * One file: skipped when its labels exist, made by the same learned parts and settings (and its confidence map
     * exists when one is wanted); else segmented and written, the map first (the labels mark a file done).
     */
    private Done segmentOne(Slime slime, LearnedParts parts, Provenance wanted, Path file, Path target)
            throws IOException {
        Path map = ImageFiles.confidenceFor(target);
        ImageFiles.deleteStaleTemporaries(target);
        ImageFiles.deleteStaleTemporaries(map);
        boolean existed = Files.exists(target);
        if (existed && wanted.sameAs(Provenance.read(target)) && (!confidence || Files.exists(map))) {
            return Done.SKIPPED;
        }
        ImagePlus imp = ImageFiles.openQuietly(file);
        if (imp == null) {
            throw new IOException("not an image ImageJ can open");
        }
        Segmentation.Result r = Segmentation.segment(slime, parts, imp, true, tiling, seed, confidence);
        wanted.stamp(r.labels());
        if (confidence) {
            wanted.stamp(r.confidence());
            ImageFiles.writeAtomically(r.confidence(), map);
        }
        ImageFiles.writeAtomically(r.labels(), target);
        return existed ? Done.REDONE : Done.WRITTEN;
    }
}
