package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.ModelIdentity;

/** A {@code .slime} file stores and restores every option, and the typed input mapping. */
class OptionsFileTest {
    @TempDir
    Path tmp;

    /** Every field differs from its default, so a field the file forgot would come back as the default. */
    static SlimeOptions everyFieldChanged() {
        return SlimeOptions.defaults().withWorkingSize(256)
                .withCrossLayers(List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn2"))
                .withSelfLayers(List.of("up_blocks.3.attentions.2.transformer_blocks.0.attn1"))
                .withTrainTRange(150, 300).withTestT(120).withLearningRate(0.05).withSdLossCoef(0.01)
                .withSelfAttentionLossCoef(0.5).withGuidanceScale(7.5).withEpochs(33).withPatchThreshold(0.3)
                .withPatchesPerSide(2).withPatchSize(192).withAugment(false).withMinCropRatio(0.6).withSeed(-9);
    }

    @Test
    void everyOptionSurvivesTheFile() throws Exception {
        SlimeOptions o = everyFieldChanged();
        SlimeOptions d = SlimeOptions.defaults();
        for (RecordComponent c : SlimeOptions.class.getRecordComponents()) {
            assertNotEquals(c.getAccessor().invoke(d), c.getAccessor().invoke(o), c.getName() + " left at its default");
        }
        int width = 4;
        TextContext text = new TextContext(2, 3, width, new float[3 * width], new float[3 * width]);
        LearnedParts parts = new LearnedParts(List.of("background", "cell"), new float[][] {{1, 2, 3, 4}}, text,
                new ModelIdentity("org/model", "abc"), o, InputMapping.PERCENTILE, "2026-12-04T00:00:00Z", null);
        Path file = tmp.resolve("all.slime");
        parts.save(file, false);
        LearnedParts back = LearnedParts.load(file);
        assertEquals(o, back.options());
        assertEquals(InputMapping.PERCENTILE, back.inputMapping());
        assertEquals(List.of("background", "cell"), back.partNames());
    }
}
