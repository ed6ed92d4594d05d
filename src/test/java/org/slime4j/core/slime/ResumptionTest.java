package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.Samples;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.model.TinyModel;

/** Where a continued training starts when parts are added: the old parts' last vectors and Adam state, fresh rows after. */
class ResumptionTest {
    @TempDir
    Path tmp;

    @Test
    void addedPartsStartFreshBesideTheOldVectors() throws Exception {
        List<String> old = List.of("background", "disk", "square");
        List<String> more = List.of("background", "disk", "square", "ring");
        try (Slime s = Slime.open(TinyModel.writeSdLayout(tmp.resolve("model"), 78), DeviceChoice.CPU)) {
            Path first = tmp.resolve("first.slime");
            SlimeOptions two = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64).with(SlimeOption.EPOCHS, 2)
                    .with(SlimeOption.AUGMENT, false);
            LearnedParts trained = s.train(new Slime.TrainingRequest(old, null, List.of(Samples.sample(64, 64)), false,
                    InputMapping.REFERENCE, 0), two, Trainer.NONE, () -> false).parts();
            trained.save(first, false);
            TextContext text = TextContext.encode(s.model(), more.size(), null);
            Resumption start = Resumption.of(first, more, text, s.identity(), 1);
            Trainer.State last = trained.continuation().state();
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(last.vectors()[i], start.state().vectors()[i], "old part " + i);
                assertArrayEquals(last.adamM()[i], start.state().adamM()[i], "Adam's moments of old part " + i);
            }
            assertArrayEquals(text.initialVectors()[2], start.state().vectors()[2], "the added part starts fresh");
            assertFalse(Arrays.equals(last.vectors()[0], text.initialVectors()[0]), "the old parts were trained");
            assertEquals(last.adamSteps(), start.state().adamSteps());
            assertEquals(2, start.state().epochs());
        }
    }
}
