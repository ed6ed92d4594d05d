package org.slime4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.Continuation;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Slime;

/**
 * Training continued from a {@code .slime} file: its last state for M more epochs equals N+M epochs in one go
 * (augmentation and validation on: every draw, the Adam state and the best epoch carried over); added parts start
 * from fresh vectors beside the old ones; other parts are refused; the lineage is recorded.
 */
class ContinueTrainingTest {
    @TempDir
    Path tmp;

    private static Slime.TrainingRequest request(List<String> names, Path from) {
        return new Slime.TrainingRequest(names, null, List.of(Samples.sample(64, 64)), true, InputMapping.REFERENCE, 0,
                from);
    }

    @Test
    void mMoreEpochsFromAFileEqualNPlusMInOneGo() throws Exception {
        List<String> names = SlimeTest.NAMES;
        try (Slime s = Slime.open(TinyModel.write(tmp.resolve("model"), false, org.slime4j.core.weights.DType.F32, 77), DeviceChoice.CPU)) {
            LearnedParts oneGo = s.train(request(names, null), SlimeTest.options(4, true), Trainer.NONE, () -> false).parts();
            Path first = tmp.resolve("first.slime");
            s.train(request(names, null), SlimeTest.options(2, true), Trainer.NONE, () -> false).parts().save(first, false);
            LearnedParts continued = s.train(request(names, first), SlimeTest.options(2, true), Trainer.NONE,
                    () -> false).parts();
            Path second = tmp.resolve("second.slime");
            continued.save(second, false);
            LearnedParts reloaded = LearnedParts.load(second);

            Trainer.State a = oneGo.continuation().state();
            Trainer.State b = reloaded.continuation().state();
            assertEquals(4, b.epochs());
            assertEquals(a.adamSteps(), b.adamSteps());
            assertEquals(a.bestEpoch(), b.bestEpoch());
            assertEquals(a.bestIou(), b.bestIou(), 1e-12);
            for (int i = 0; i < a.vectors().length; i++) {
                assertArrayEquals(a.vectors()[i], b.vectors()[i], 1e-6f, "last vectors, row " + i);
                assertArrayEquals(a.adamV()[i], b.adamV()[i], 1e-6f, "Adam's second moments, row " + i);
                assertArrayEquals(oneGo.vectors()[i], reloaded.vectors()[i], 1e-6f, "kept vectors, row " + i);
            }
            float[] afterTwo = LearnedParts.load(first).continuation().state().vectors()[0];
            double moved = 0;
            for (int j = 0; j < afterTwo.length; j++) {
                moved = Math.max(moved, Math.abs(b.vectors()[0][j] - afterTwo[j]));
            }
            assertTrue(moved > 1e-4, "the last two epochs changed the vectors (" + moved + "): not a vacuous match");

            List<Continuation.Round> lineage = reloaded.continuation().lineage();
            assertEquals(2, lineage.size());
            assertNull(lineage.get(0).parent());
            assertEquals(lineage.get(0).images(), lineage.get(1).images(), "the same training image");
            assertEquals(2, lineage.get(1).epochs());
            assertEquals(16, lineage.get(1).parent().length());
        }
    }

    @Test
    void aCorrectedAnnotationIsLearnedAndTheParentsBestIsNotHeldAgainstIt() throws Exception {
        try (Slime s = Slime.open(TinyModel.write(tmp.resolve("model"), false, org.slime4j.core.weights.DType.F32, 80),
                DeviceChoice.CPU)) {
            Path first = tmp.resolve("first.slime");
            LearnedParts parent = s.train(request(SlimeTest.NAMES, null), SlimeTest.options(3, false), Trainer.NONE,
                    () -> false).parts();
            parent.save(first, false);
            Trainer.Pair pair = Samples.sample(64, 64);
            int[] swapped = pair.mask().labels().clone();                      // the correction: parts 1 and 2 swapped
            for (int i = 0; i < swapped.length; i++) {
                swapped[i] = swapped[i] == 0 ? 0 : 3 - swapped[i];
            }
            Trainer.Pair corrected = new Trainer.Pair(pair.image(), new org.slime4j.core.slime.LabelImage(64, 64,
                    swapped));
            Trained t = s.train(new Slime.TrainingRequest(SlimeTest.NAMES, null, List.of(corrected), true,
                    InputMapping.REFERENCE, 0, first), SlimeTest.options(2, false), Trainer.NONE, () -> false);
            assertTrue(t.outcome().bestEpoch() > 3, "the kept epoch is of the new round: " + t.outcome().bestEpoch());
            for (int i = 0; i < 2; i++) {
                assertFalse(java.util.Arrays.equals(parent.vectors()[i], t.parts().vectors()[i]),
                        "the saved vectors learned the correction, row " + i);
            }
            assertEquals(parent.continuation().state().bestEpoch(), t.previous().epoch());
            assertTrue(t.summary().contains("the parent file kept epoch " + t.previous().epoch()), t.summary());
            Trained same = s.train(request(SlimeTest.NAMES, first), SlimeTest.options(1, false), Trainer.NONE,
                    () -> false);
            assertNull(same.previous(), "the same images and annotation: the parent's best stays comparable");
        }
    }

    @Test
    void otherPartsAndAnotherBaseModelAreRefused() throws Exception {
        try (Slime s = Slime.open(TinyModel.write(tmp.resolve("model"), false, org.slime4j.core.weights.DType.F32, 78),
                DeviceChoice.CPU)) {
            Path first = tmp.resolve("first.slime");
            s.train(request(SlimeTest.NAMES, null), SlimeTest.options(2, false), Trainer.NONE, () -> false).parts()
                    .save(first, false);
            SlimeOptions one = SlimeTest.options(1, false);
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> s.train(request(
                    List.of("background", "square", "disk"), first), one, Trainer.NONE, () -> false).parts());
            assertTrue(other.getMessage().contains("continue with the same parts, or add new ones after them"),
                    other.getMessage());
            try (Slime sd2 = Slime.open(TinyModel.write(tmp.resolve("sd2"), true,
                    org.slime4j.core.weights.DType.F32, 79), DeviceChoice.CPU)) {
                IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> sd2.train(
                        request(SlimeTest.NAMES, first), one, Trainer.NONE, () -> false).parts());
                assertTrue(model.getMessage().contains("not on the base model open now"), model.getMessage());
            }
        }
    }
}
