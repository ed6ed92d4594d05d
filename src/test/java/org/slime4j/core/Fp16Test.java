package org.slime4j.core;

import static org.slime4j.core.slime.SlimeOption.*;

import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.unet.CapturedScores;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Slime;

/**
 * The fp16 path (meant for GPU segmentation) run on the CPU: the UNet in half precision with norms and softmax in
 * fp32 agrees with fp32 within half-precision error and segments to (nearly) the same labels; training refuses it.
 */
class Fp16Test {
    @TempDir
    Path tmp;

    @Test
    void halfPrecisionUNetAgreesWithFp32() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("m"), 61);
        try (StableDiffusion full = StableDiffusion.load(model, Execution.on(DeviceChoice.CPU));
             StableDiffusion half = StableDiffusion.load(model, Execution.on(DeviceChoice.CPU).withPrecision(Precision.FP16));
             NDManager m = full.manager().newSubManager()) {
            NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
            NDArray ctx = m.randomNormal(new Shape(1, 77, TinyModel.TEXT_DIM));
            String layer = "up_blocks.3.attentions.0.transformer_blocks.0.attn1";
            CapturedScores a = new CapturedScores(List.of(layer));
            CapturedScores b = new CapturedScores(List.of(layer));
            NDArray y32 = full.unet().forward(x, 100, ctx, a);
            NDArray y16 = half.unet().forward(x, 100, ctx, b);
            assertEquals(DataType.FLOAT32, y16.getDataType(), "fp32 in, fp32 out");
            assertEquals(DataType.FLOAT32, b.get(layer).getDataType(), "captures are fp32");
            Fixture.assertClose("fp16 vs fp32 noise prediction", y16.toFloatArray(), y32.toFloatArray(), 2e-2);
            Fixture.assertClose("fp16 vs fp32 self scores", b.get(layer).toFloatArray(), a.get(layer).toFloatArray(),
                    2e-2);
        }
        try (Slime full = Slime.open(model, DeviceChoice.CPU);
             Slime half = Slime.open(model, Execution.on(DeviceChoice.CPU).withPrecision(Precision.FP16))) {
            SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, 2).with(AUGMENT, false);
            Slime.TrainingRequest request = new Slime.TrainingRequest(List.of("background", "disk", "square"), null,
                    List.of(Samples.sample(64, 64)), false, InputMapping.REFERENCE, 0);
            String refusal = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> half.train(request, o, new Trainer.Listener() {
                    }, () -> false).parts()).getMessage();
            assertTrue(refusal.contains("fp32") && refusal.contains("segmentation"), refusal);
            LearnedParts reference = full.train(request, o, new Trainer.Listener() {
            }, () -> false).parts();
            int[] a = full.segment(reference, Samples.sample(64, 64).image(), Tiling.squeeze(), 1, false).labels();
            int[] b = half.segment(reference, Samples.sample(64, 64).image(), Tiling.squeeze(), 1, false).labels();
            int same = 0;
            for (int i = 0; i < a.length; i++) {
                same += a[i] == b[i] ? 1 : 0;
            }
            System.out.printf("fp16 vs fp32 labels: %.4f of pixels equal%n", same / (double) a.length);
            assertTrue(same >= 0.95 * a.length, "labels equal on " + same + " of " + a.length + " pixels");
        }
    }
}
