package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;

/**
 * The cluster scripts of {@code macros/} under a real single-node SLURM ({@code scripts/slurm/cluster.sh}), on the
 * built artifacts ({@code target/slime-cli.jar}, {@code target/ImageJ.app}): a training job, then segmentation arrays
 * that depend on it, 0- and 1-based, over 7 images (PNG and TIFF, one corrupt); a cancelled array resubmitted; the
 * Fiji script through plain ImageJ 1.x headless; a training longer than its time limit, finished by requeued runs.
 * Runs in {@code mvn verify}; without SLURM (and CI unset) it skips.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String PATTERN = "--pattern=*.{png,tif}";
    private static Path work;
    private static Path cluster;
    private static Path model;
    private static Path slime;
    private static Path images;
    private static String trainJob;

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory("slime-slurm");
        cluster = work.resolve("cluster");
        Process p = new ProcessBuilder("bash", ROOT.resolve("scripts/slurm/cluster.sh").toString(), "start",
                cluster.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            if (System.getenv("CI") != null) {
                fail("single-node SLURM did not start:\n" + out);
            }
            Assumptions.abort("no SLURM here: " + out);
        }
        model = TinyModel.writeSdLayout(work.resolve("model"), 71);
        images = Files.createDirectories(work.resolve("in"));
        ImagePlus cell = IJ.openImage(ROOT.resolve("sample-data/cell.png").toString());
        for (int i = 0; i < 6; i++) {
            cell.setRoi(40 * i, 30 * i, 90 + 10 * i, 70 + 5 * i);
            ImagePlus crop = cell.crop();
            String name = "img" + i + (i % 2 == 0 ? ".png" : ".tif");
            assertTrue(i % 2 == 0 ? new FileSaver(crop).saveAsPng(images.resolve(name).toString())
                    : new FileSaver(crop).saveAsTiff(images.resolve(name).toString()));
        }
        Files.write(images.resolve("img3b.tif"), "II*\0 this is not a TIFF".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(images.resolve("notes.txt"), "not matched by the pattern");
        slime = work.resolve("cell.slime");
        // sbatch options before the script override its #SBATCH lines (8 CPUs there, 2 on this node)
        trainJob = sbatch(ROOT, Map.of(), false, "--chdir=" + work, "--cpus-per-task=2",
                ROOT.resolve("macros/slurm_train.sh").toString(), model.toString(), slime.toString(),
                ROOT.resolve("sample-data/cell.png").toString(), ROOT.resolve("sample-data/cell-rois.zip").toString(),
                "--epochs=1", "--size=64");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            new ProcessBuilder("bash", ROOT.resolve("scripts/slurm/cluster.sh").toString(), "stop",
                    cluster.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    @Order(1)
    void zeroBasedArrayAfterTheTrainingJobLabelsEveryGoodImageOnce() throws Exception {
        // submitted from the checkout: the script finds target/slime-cli.jar in the submit folder (logs go to work)
        String job = sbatch(ROOT, Map.of(), true, "--chdir=" + work, "--dependency=afterok:" + trainJob, "--array=0-2",
                "--cpus-per-task=1", ROOT.resolve("macros/slurm_cli.sh").toString(), images.toString(),
                work.resolve("out0").toString(), model.toString(), slime.toString(), PATTERN);
        assertEquals("COMPLETED", state(trainJob), "the training job; its log:\n" + log(work, "slime-train-"
                + trainJob + ".log"));
        assertEquals(List.of("background", "halo", "cell"), LearnedParts.load(slime).partNames());
        checkArray(work, "slime-segment-", job, List.of(0, 1, 2), work.resolve("out0"));
        assertTrue(log(work, "slime-segment-" + job + "_0.log").contains("1 CPU threads"),
                "--cpus-per-task reaches PyTorch");
    }

    @Test
    @Order(2)
    void oneBasedArraySubmittedFromAnotherFolderGivesTheSameLabels() throws Exception {
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Files.copy(ROOT.resolve("macros/slurm_cli.sh"), elsewhere.resolve("job.sh"));
        String job = sbatch(elsewhere, Map.of("SLIME_JAR", ROOT.resolve("target/slime-cli.jar").toString()), true,
                "--array=1-3", "--cpus-per-task=2", "job.sh", "../in", "out1", model.toString(),
                "../cell.slime", PATTERN);
        checkArray(elsewhere, "slime-segment-", job, List.of(1, 2, 3), elsewhere.resolve("out1"));
        assertSameLabels(work.resolve("out0"), elsewhere.resolve("out1"));
        assertTrue(log(elsewhere, "slime-segment-" + job + "_1.log").contains("2 CPU threads"));
    }

    @Test
    @Order(3)
    void aCancelledArrayResubmittedEqualsAnUninterruptedRun() throws Exception {
        Path out = work.resolve("out2");
        List<String> args = List.of("--chdir=" + work, "--array=0-2%1", "--cpus-per-task=1", ROOT.resolve("macros/slurm_cli.sh")
                .toString(), images.toString(), out.toString(), model.toString(), slime.toString(), PATTERN);
        String job = sbatch(ROOT, Map.of(), false, args.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!log(work, "slime-segment-" + job + "_0.log").contains("_labels.tif")) {
            assertTrue(System.nanoTime() < deadline, "task 0 wrote nothing in 2 minutes");
            Thread.sleep(100);
        }
        run(ROOT, Map.of(), "scancel", job);
        waitUntilGone(job);
        int before = labels(out).size();
        assertTrue(before < 6, "the array was cancelled before it finished (" + before + " of 6 written)");
        String again = sbatch(ROOT, Map.of(), true, args.toArray(String[]::new));
        assertNotEquals(job, again);
        assertSameLabels(work.resolve("out0"), out);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "no partial files");
        }
    }

    @Test
    @Order(4)
    void theFijiScriptRunsThroughPlainImageJHeadless() throws Exception {
        // a fresh plain ImageJ 1.x folder: ij.jar and the built target/ImageJ.app/plugins, nothing else
        Path imagej = Files.createDirectories(work.resolve("ImageJ"));
        Files.copy(Path.of(ij.ImageJ.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                imagej.resolve("ij.jar"));
        copyTree(ROOT.resolve("target/ImageJ.app/plugins"), imagej.resolve("plugins"));
        String job = sbatch(work, Map.of("IMAGEJ", imagej.toString()), true, "--array=0-2", "--cpus-per-task=1",
                ROOT.resolve("macros/slurm_fiji.sh").toString(), "in", "out3", model.toString(), "cell.slime",
                "pattern=*.{png,tif}");
        for (int task = 0; task < 3; task++) {
            assertTrue(Files.exists(work.resolve("slime-fiji-" + job + "_" + task + ".log")));
        }
        String all = log(work, "slime-fiji-" + job + "_0.log") + log(work, "slime-fiji-" + job + "_1.log")
                + log(work, "slime-fiji-" + job + "_2.log");
        assertTrue(all.contains("img3b.tif: FAILED"), "the corrupt file is reported:\n" + all);
        assertSameLabels(work.resolve("out0"), work.resolve("out3"));
        assertEquals("FAILED", state(job + "_" + failingTask(work, "slime-fiji-", job)), "its task fails");
    }

    @Test
    @Order(5)
    void aTrainingLongerThanTheTimeLimitFinishesAcrossRequeuedRuns() throws Exception {
        // about 300 s of training (one thread) under a 3-minute limit: USR1 comes 60 s before it (SLURM may send it up
        // to a minute early), the script stops the training (checkpoint) and requeues the job, which goes on from there
        List<String> train = List.of(ROOT.resolve("sample-data/cell.png").toString(),
                ROOT.resolve("sample-data/cell-rois.zip").toString(), "--epochs=2000", "--size=64", "--device=cpu");
        Path whole = work.resolve("whole.slime");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ROOT.resolve("target/slime-cli.jar").toString(), "train", "--model", model.toString(), "--out",
                whole.toString(), "--image", train.get(0), "--rois", train.get(1), "--checkpoint-every=0"));
        cmd.addAll(train.subList(2, train.size()));
        // one CPU thread each: two runs of two threads on this node's two cores slow each other tenfold (PyTorch's
        // threads spin), and the same thread count keeps their sums in the same order
        ProcessBuilder reference = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("whole.log").toFile());
        reference.environment().put("SLIME_THREADS", "1");
        Process uninterrupted = reference.start();

        Path out = work.resolve("long.slime");
        List<String> args = new ArrayList<>(List.of("--chdir=" + work, "--cpus-per-task=1", "--time=3",
                "--signal=B:USR1@60", ROOT.resolve("macros/slurm_train.sh").toString(), model.toString(),
                out.toString(), train.get(0), train.get(1)));
        args.addAll(train.subList(2, train.size()));
        String job = sbatch(ROOT, Map.of(), false, args.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        String state;
        while (!(state = state(job)).equals("COMPLETED")) {
            assertTrue(System.nanoTime() < deadline && !state.equals("FAILED") && !state.equals("TIMEOUT"),
                    "job " + job + " is " + state + "; its log:\n" + log(work, "slime-train-" + job + ".log"));
            if (state.equals("PENDING")) {
                run(ROOT, Map.of(), "scontrol", "update", "JobId=" + job, "StartTime=now");  // skip the 2-min wait
            }
            Thread.sleep(2000);
        }
        String log = log(work, "slime-train-" + job + ".log");
        assertTrue(log.contains("the time limit is near: the training writes its checkpoint and the job is requeued"),
                log);
        assertTrue(log.contains("SLiMe: resuming from the checkpoint long.slime.checkpoint at epoch "), log);
        Matcher restarts = Pattern.compile("Restarts=(\\d+)").matcher(run(ROOT, Map.of(), "scontrol", "show", "job",
                job));
        assertTrue(restarts.find() && Integer.parseInt(restarts.group(1)) >= 1, "requeued at least once");
        assertFalse(Files.exists(work.resolve("long.slime.checkpoint")), "the checkpoint is removed at the end");

        assertTrue(uninterrupted.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, uninterrupted.exitValue(), Files.readString(work.resolve("whole.log")));
        LearnedParts a = LearnedParts.load(whole);
        LearnedParts b = LearnedParts.load(out);
        assertEquals(a.continuation().lineage(), b.continuation().lineage(), "one round of 2000 epochs");
        for (int i = 0; i < a.vectors().length; i++) {
            assertArrayEquals(a.continuation().state().vectors()[i], b.continuation().state().vectors()[i], 1e-6f,
                    "last vectors, row " + i);
            assertArrayEquals(a.vectors()[i], b.vectors()[i], 1e-6f, "kept vectors, row " + i);
        }
    }

    @Test
    @Order(6)
    void aTrainingJobWithTooLittleMemoryIsRefusedSayingWhatToAskFor() throws Exception {
        String job = sbatch(ROOT, Map.of(), true, "--chdir=" + work, "--cpus-per-task=1", "--mem=300M",
                ROOT.resolve("macros/slurm_train.sh").toString(), model.toString(), work.resolve("small.slime")
                        .toString(), ROOT.resolve("sample-data/cell.png").toString(),
                ROOT.resolve("sample-data/cell-rois.zip").toString(), "--epochs=1", "--size=64");
        String log = log(work, "slime-train-" + job + ".log");
        assertEquals("FAILED", state(job), log);
        assertTrue(log.contains("Training at working size 64 needs about 0.4 GB of memory, but this process may use "),
                log);
        assertTrue(log.contains("the SLURM job's memory (--mem 0.3 GB)") && log.contains("sbatch --mem=2G"), log);
        assertFalse(log.contains("SLiMe: loading"), "refused before loading: " + log);
    }

    /** Every good image labelled by exactly one task, the corrupt one reported by its task, whose state is FAILED. */
    private static void checkArray(Path dir, String prefix, String job, List<Integer> tasks, Path out)
            throws Exception {
        Map<String, Integer> labelledBy = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        Pattern written = Pattern.compile("\\d+/\\d+ (\\S+) -> ");
        for (int task : tasks) {
            String log = log(dir, prefix + job + "_" + task + ".log");
            assertTrue(log.contains("slurm_cli.sh: job " + job + " task " + task), log);
            Matcher m = written.matcher(log);
            while (m.find()) {
                assertEquals(null, labelledBy.put(m.group(1), task), m.group(1) + " labelled twice");
            }
            if (log.contains("img3b.tif: FAILED")) {
                failed.add(job + "_" + task);
            }
        }
        assertEquals(List.of("img0.png", "img1.tif", "img2.png", "img3.tif", "img4.png", "img5.tif"),
                List.copyOf(labelledBy.keySet()));
        assertEquals(1, failed.size(), "one task reports the corrupt file");
        assertEquals("FAILED", state(failed.get(0)));
        assertEquals(6, labels(out).size());
    }

    private static int failingTask(Path dir, String prefix, String job) throws IOException {
        for (int task = 0; task < 3; task++) {
            if (log(dir, prefix + job + "_" + task + ".log").contains("FAILED")) {
                return task;
            }
        }
        throw new AssertionError("no task reported the corrupt file");
    }

    private static void assertSameLabels(Path expected, Path actual) throws IOException {
        assertEquals(labels(expected), labels(actual));
        for (String name : labels(expected)) {
            ImagePlus a = IJ.openImage(expected.resolve(name).toString());
            ImagePlus b = IJ.openImage(actual.resolve(name).toString());
            assertNotNull(b, name);
            assertEquals(16, b.getBitDepth());
            assertArrayEquals((short[]) a.getProcessor().getPixels(), (short[]) b.getProcessor().getPixels(), name);
        }
    }

    private static List<String> labels(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_labels.tif")).sorted().toList();
        }
    }

    private static String log(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** Submits from {@code dir}; with {@code wait}, returns once the job (every task) has ended. */
    private static String sbatch(Path dir, Map<String, String> env, boolean wait, String... args) throws Exception {
        // the scripts ask for 24G as on a real cluster; this one node has less
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--mem=3G"));
        if (wait) {
            cmd.add("--wait");
        }
        cmd.addAll(List.of(args));
        String out = run(dir, env, cmd.toArray(String[]::new));
        Matcher m = Pattern.compile("^(\\d+)", Pattern.MULTILINE).matcher(out);
        assertTrue(m.find(), "sbatch printed no job id: " + out);
        return m.group(1);
    }

    /** The job's (or array task's) state as scontrol reports it while SLURM still remembers the job. */
    private static String state(String job) throws Exception {
        String out = run(ROOT, Map.of(), "scontrol", "-o", "show", "job", job);
        Matcher m = Pattern.compile("JobState=(\\S+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private static void waitUntilGone(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!run(ROOT, Map.of(), "squeue", "-h", "-j", job).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "job " + job + " still queued a minute after scancel");
            Thread.sleep(200);
        }
    }

    private static String run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile(work, "command", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("SLURM_CONF", cluster.resolve("slurm.conf").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 5 minutes: " + Files.readString(out));
        }
        return Files.readString(out);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
