package org.slime4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Trainer;

/**
 * A CLI training stopped from outside, SIGKILLed (a crash, the OOM killer) or SIGTERMed (SLURM's time limit,
 * scancel), then run again with the same command, goes on from its checkpoint and ends with the file an
 * uninterrupted run writes (its curves and lineage as one run's); the checkpoint is removed at the end; no
 * half-written file is left by a kill; a changed option or image starts fresh saying why.
 */
class InterruptedTrainingTest {
    static final int EPOCHS = 8;
    @TempDir
    static Path tmp;
    static Path model;
    static Path image;
    static Path labels;
    static LearnedParts uninterrupted;

    @BeforeAll
    static void trainWithoutInterruption() throws Exception {
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 29);
        image = tmp.resolve("image.tif");
        labels = tmp.resolve("labels.png");
        CliTableTest.writeStripes(image, labels);
        Path out = tmp.resolve("whole/cell.slime");
        CliTableTest.Result r = CliTableTest.cli(args(out, "--checkpoint-every", "0").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        uninterrupted = LearnedParts.load(out);
    }

    /** The training every run here makes (augmentation and validation on: every draw and the best epoch count). */
    static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--image", image.toString(),
                "--labels", labels.toString(), "--out", out.toString(), "--epochs", String.valueOf(EPOCHS), "--size",
                "64", "--device", "cpu", "--checkpoint-minutes", "0"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aKilledTrainingRunAgainEndsWithTheUninterruptedFile() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("killed")).resolve("cell.slime");
        Path checkpoint = out.resolveSibling("cell.slime.checkpoint");
        Stopped s = stop(args(out), 3, true);
        assertFalse(Files.exists(out), "killed before the end: " + s.log);
        int epochsDone = LearnedParts.load(checkpoint).continuation().state().epochs();
        assertTrue(epochsDone >= 3 && epochsDone < EPOCHS, "the checkpoint holds epoch " + epochsDone);
        onlyCompleteFiles(out.getParent(), false);
        Files.writeString(out.resolveSibling(".cell.slime.checkpoint." + s.pid() + ".1.tmp"), "a write cut short");

        CliTableTest.Result r = CliTableTest.cli(args(out).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("SLiMe: resuming from the checkpoint cell.slime.checkpoint at epoch "
                + (epochsDone + 1) + " of " + EPOCHS + " ("), r.err());
        assertTrue(r.err().contains("epoch " + (epochsDone + 1) + "/" + EPOCHS + ": loss"), "epochs count on: "
                + r.err());
        assertFalse(Files.exists(checkpoint), "the checkpoint is removed when the training ends");
        onlyCompleteFiles(out.getParent(), true);
        assertEqualsUninterrupted(LearnedParts.load(out));
        List<String> csv = Files.readAllLines(out.resolveSibling("cell-training.csv"));
        assertEquals(EpochRecord.csvHeader(), csv.get(0));
        assertEquals(EPOCHS + 1, csv.size(), "one line per epoch, those before the kill included: " + csv);
        for (int e = 1; e <= EPOCHS; e++) {
            assertTrue(csv.get(e).startsWith(e + ","), csv.get(e));
        }
    }

    @Test
    void aTerminatedTrainingWritesItsLastEpochAndGoesOnFromIt() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("terminated")).resolve("cell.slime");
        Path checkpoint = out.resolveSibling("cell.slime.checkpoint");
        // no checkpoint by the policy: the one found is the one SIGTERM wrote
        Stopped s = stop(args(out, "--checkpoint-every", "1000"), 3, false);
        assertEquals(143, s.exit, "SIGTERM's exit code (128 + 15): " + s.log);
        assertTrue(s.log.matches("(?s).*SLiMe: stopped; the training's checkpoint \\(epoch \\d+\\) is .*cell\\.slime"
                + "\\.checkpoint: run the same command again to continue from there\\..*"), s.log);
        int epochsDone = LearnedParts.load(checkpoint).continuation().state().epochs();
        assertTrue(epochsDone >= 3 && epochsDone < EPOCHS, "the checkpoint holds epoch " + epochsDone);
        onlyCompleteFiles(out.getParent(), false);

        CliTableTest.Result r = CliTableTest.cli(args(out, "--checkpoint-every", "1000").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("at epoch " + (epochsDone + 1) + " of " + EPOCHS), r.err());
        assertEqualsUninterrupted(LearnedParts.load(out));
    }

    @Test
    void aChangedOptionOrImageStartsFreshSayingWhy() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("changed")).resolve("cell.slime");
        Path checkpoint = out.resolveSibling("cell.slime.checkpoint");
        stop(args(out), 2, true);
        Path kept = Files.copy(checkpoint, tmp.resolve("changed.checkpoint"));

        CliTableTest.Result r = CliTableTest.cli(args(out, "--seed", "5").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("SLiMe: the checkpoint cell.slime.checkpoint is of another training (its --seed is 42, "
                + "not 5): starting fresh."), r.err());
        assertTrue(r.err().contains("epoch 1/" + EPOCHS + ": loss"), r.err());

        Files.delete(out);
        Files.copy(kept, checkpoint);
        Path flipped = tmp.resolve("flipped.tif");
        ImagePlus imp = ij.IJ.openImage(image.toString());
        imp.getProcessor().flipHorizontal();
        assertTrue(new FileSaver(imp).saveAsTiff(flipped.toString()));
        List<String> other = args(out);
        other.set(other.indexOf(image.toString()), flipped.toString());
        r = CliTableTest.cli(other.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("is of another training (its training images differ): starting fresh."), r.err());

        Files.delete(out);
        Files.copy(kept, checkpoint);
        r = CliTableTest.cli(args(out, "--no-resume").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("the checkpoint cell.slime.checkpoint is not resumed (asked to start over): "
                + "starting fresh."), r.err());
        assertEqualsUninterrupted(LearnedParts.load(out));
    }

    record Stopped(int exit, String log, long pid) {
    }

    /** Runs the CLI in its own JVM and stops it (SIGKILL or SIGTERM) once epoch {@code after} is done. */
    static Stopped stop(List<String> args, int after, boolean kill) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                "org.slime4j.cli.SlimeCli"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean sent = false;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.append(line).append('\n');
                if (!sent && line.contains("epoch " + after + "/" + EPOCHS + ": loss")) {
                    if (kill) {
                        p.toHandle().destroyForcibly();                         // SIGKILL
                    } else {
                        p.toHandle().destroy();        // SIGTERM; the streams stay open
                    }
                    sent = true;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends");
        return new Stopped(p.exitValue(), log.toString(), p.pid());
    }

    /**
     * Every file in the folder under a final name is whole (the checkpoint loads); after a rerun no temporary file
     * is left either (a kill during a write leaves one, which the next run removes).
     */
    static void onlyCompleteFiles(Path folder, boolean afterRerun) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertFalse(afterRerun && name.endsWith(".tmp"), "a temporary file is left: " + name);
                if (name.endsWith(".checkpoint")) {
                    assertNotNull(LearnedParts.load(f).continuation(), name);
                }
            }
        }
    }

    /** The same state, vectors and Adam moments as the uninterrupted run (to 1e-6), its lineage one round. */
    static void assertEqualsUninterrupted(LearnedParts resumed) {
        Trainer.State a = uninterrupted.continuation().state();
        Trainer.State b = resumed.continuation().state();
        assertEquals(EPOCHS, b.epochs());
        assertEquals(a.adamSteps(), b.adamSteps());
        assertEquals(a.bestEpoch(), b.bestEpoch());
        assertEquals(a.bestIou(), b.bestIou(), 1e-12);
        for (int i = 0; i < a.vectors().length; i++) {
            assertArrayEquals(a.vectors()[i], b.vectors()[i], 1e-6f, "last vectors, row " + i);
            assertArrayEquals(a.adamM()[i], b.adamM()[i], 1e-6f, "Adam's first moments, row " + i);
            assertArrayEquals(a.adamV()[i], b.adamV()[i], 1e-6f, "Adam's second moments, row " + i);
            assertArrayEquals(uninterrupted.vectors()[i], resumed.vectors()[i], 1e-6f, "kept vectors, row " + i);
        }
        assertEquals(uninterrupted.options(), resumed.options());
        List<Continuation.Round> lineage = resumed.continuation().lineage();
        assertEquals(uninterrupted.continuation().lineage(), lineage, "one round, as if never stopped");
        assertEquals(EPOCHS, resumed.continuation().history().size());
        for (int e = 0; e < EPOCHS; e++) {
            EpochRecord x = uninterrupted.continuation().history().get(e);
            EpochRecord y = resumed.continuation().history().get(e);
            assertEquals(x.epoch(), y.epoch());
            assertEquals(x.loss(), y.loss(), 1e-5, "epoch " + (e + 1) + "'s loss");
            assertEquals(x.iou(), y.iou(), 1e-9, "epoch " + (e + 1) + "'s IoU");
        }
    }
}
