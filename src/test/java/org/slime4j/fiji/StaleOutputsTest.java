package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.Provenance;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * Outputs know what made them: a folder rerun skips only the labels the same learned parts and settings made, redoes
 * the others (saying so), and adds the confidence maps a first run did not write.
 */
class StaleOutputsTest {
    @TempDir
    Path tmp;

    @Test
    void aRerunRedoesWhatOtherLearnedPartsMadeAndSkipsWhatTheSameMade() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 43);
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String name : List.of("a.tif", "b.tif")) {
            FijiTest.save(FijiTest.annotated(name), in.resolve(name));
        }
        Path first = train(model, 1, "first.slime");
        Path second = train(model, 2, "second.slime");
        Path out = tmp.resolve("out");
        List<String> lines = new ArrayList<>();
        assertEquals("2 written, 0 skipped (done before), 0 failed, of 2 in this shard", run(in, out, first, model,
                false, lines).toString());
        Provenance made = Provenance.read(out.resolve("a_labels.tif"));
        assertNotNull(made, "the label TIFF records what made it");
        assertEquals(LearnedParts.sha256(first), made.slime());
        assertTrue(IJ.openImage(out.resolve("a_labels.tif").toString()).getInfoProperty()
                .contains("SLiMe.source = " + made.slime() + " first.slime"), "in the Info ImageJ shows");
        assertEquals("0 written, 2 skipped (done before), 0 failed, of 2 in this shard", run(in, out, first, model,
                false, lines).toString(), "the same learned parts: nothing to do");
        FolderJob.Summary other = run(in, out, second, model, false, lines);
        assertEquals(2, other.redone(), other.toString());
        assertTrue(other.toString().startsWith("2 written (2 redone: made by other learned parts or settings)"),
                other.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("a.tif -> a_labels.tif (redone")), lines.toString());
        assertEquals(LearnedParts.sha256(second), Provenance.read(out.resolve("b_labels.tif")).slime());
        FolderJob.Summary maps = run(in, out, second, model, true, lines);
        assertEquals(2, maps.redone(), "no confidence maps yet: " + maps);
        assertTrue(Files.exists(out.resolve("a_confidence.tif")) && Files.exists(out.resolve("b_confidence.tif")));
        assertEquals(2, run(in, out, second, model, true, lines).skipped());
    }

    private Path train(Path model, long seed, String name) throws Exception {
        Path file = tmp.resolve(name);
        SlimeOptions o = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64).with(SlimeOption.EPOCHS, 1)
                .with(SlimeOption.AUGMENT, false).with(SlimeOption.SEED, seed);
        var annotated = FijiTest.annotated("t");
        new TrainJob(List.of(new Annotations.Annotated(annotated, annotated.getOverlay().toArray(), null)), "", model,
                Execution.on(DeviceChoice.CPU), o, Set.of(), false, 0, null, file, false, Checkpoints.Policy.OFF).run(JobListener.NONE);
        return file;
    }

    private static FolderJob.Summary run(Path in, Path out, Path slime, Path model, boolean confidence,
                                         List<String> lines) throws Exception {
        return new FolderJob(in, "*.tif", out, slime, model, Execution.on(DeviceChoice.CPU),
                FolderJob.Shard.parse("1/1"), Tiling.squeeze(), 0, confidence, false).run(new JobListener() {
                    @Override
                    public void log(String line) {
                        lines.add(line);
                    }
                });
    }
}
