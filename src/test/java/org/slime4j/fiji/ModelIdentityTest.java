package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.weights.DType;
import org.slime4j.imagej.Annotations;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.SegmentJob;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * The base model's identity covers its weights: a model of the same architecture with other weights is flagged when
 * learned parts meet it (a warning, an error when strict), an fp16 copy of the same weights is not; and a
 * {@code .slime} file gets the mode the umask gives any new file, as the label TIFFs do.
 */
class ModelIdentityTest {
    @TempDir
    Path tmp;

    @Test
    void otherWeightsOfTheSameArchitectureAreToldApartAnFp16CopyIsNot() throws Exception {
        ModelIdentity a = ModelIdentity.of(ModelFolder.resolve(TinyModel.write(tmp.resolve("a"), false, DType.F32, 5)));
        ModelIdentity half = ModelIdentity.of(ModelFolder.resolve(TinyModel.write(tmp.resolve("a16"), false, DType.F16,
                5)));
        ModelIdentity b = ModelIdentity.of(ModelFolder.resolve(TinyModel.write(tmp.resolve("b"), false, DType.F32, 6)));
        assertEquals(a.fingerprint(), b.fingerprint(), "the same architecture");
        assertNotEquals(a.weights(), b.weights());
        assertTrue(a.otherWeightsThan(b));
        assertEquals(a.weights(), half.weights(), "fp16 and fp32 copies share their identity");
        assertFalse(a.otherWeightsThan(half));
    }

    @Test
    void partsFromOtherWeightsWarnAndStrictRefusesAndTheFileHonoursTheUmask() throws Exception {
        Path learnedOn = TinyModel.writeSdLayout(tmp.resolve("learned-on"), 1);
        Path other = TinyModel.writeSdLayout(tmp.resolve("fine-tune"), 2);
        Path slime = tmp.resolve("parts.slime");
        var image = FijiTest.annotated("t");
        new TrainJob(List.of(new Annotations.Annotated(image, image.getOverlay().toArray(), null)), "", learnedOn,
                Execution.on(DeviceChoice.CPU), SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64)
                .with(SlimeOption.EPOCHS, 1), Set.of(), false, 0, null, slime, false, Checkpoints.Policy.OFF).run(JobListener.NONE);
        List<String> lines = new ArrayList<>();
        JobListener log = new JobListener() {
            @Override
            public void log(String line) {
                lines.add(line);
            }
        };
        new SegmentJob(image, slime, other, Execution.on(DeviceChoice.CPU), true, Tiling.squeeze(), 0, false, null,
                false, false).run(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("warning: these learned parts were learned on learned-on")
                && l.contains("the model open now, fine-tune, has their architecture but other weights")), lines
                .toString());
        String refused = assertThrows(IllegalArgumentException.class, () -> new SegmentJob(image, slime, other,
                Execution.on(DeviceChoice.CPU), true, Tiling.squeeze(), 0, false, null, false, true).run(log))
                .getMessage();
        assertTrue(refused.contains("use the model they were learned on"), refused);
        lines.clear();
        new SegmentJob(image, slime, learnedOn, Execution.on(DeviceChoice.CPU), true, Tiling.squeeze(), 0, false,
                null, false, true).run(log);
        assertFalse(lines.stream().anyMatch(l -> l.contains("warning")), lines.toString());
        assertEquals(LearnedParts.load(slime).baseModel().weights(),
                ModelIdentity.of(ModelFolder.resolve(learnedOn)).weights(), "the file keeps the weights' identity");

        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
        assertEquals(plain, Files.getPosixFilePermissions(slime), "the umask's mode, not owner-only");
        if (plain.contains(PosixFilePermission.OTHERS_READ)) {
            assertTrue(Files.getPosixFilePermissions(slime).contains(PosixFilePermission.GROUP_READ),
                    "lab-mates can read it under umask 022");
        }
    }
}
