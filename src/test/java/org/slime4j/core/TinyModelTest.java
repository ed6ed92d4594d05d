package org.slime4j.core;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.unet.AttentionCapture;
import org.slime4j.core.unet.CapturedScores;
import org.slime4j.core.weights.DType;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.model.TinyVocabulary;

/** Loads tiny random SD-1 and SD-2 style folders end to end; runs on any fresh clone. */
class TinyModelTest {
    @TempDir
    Path tmp;

    private static NDArray random(NDManager m, long seed, long... shape) {
        Random r = new Random(seed);
        long n = new Shape(shape).size();
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return m.create(data, new Shape(shape));
    }

    @Test
    void sd1StyleLoadsEveryWeightAndRuns() throws Exception {
        try (StableDiffusion sd = StableDiffusion.load(TinyModel.write(tmp.resolve("sd1"), false, DType.F32, 1),
                DeviceChoice.CPU)) {
            assertTrue(sd.unusedWeights().get("unet").isEmpty(), "unused UNet weights " + sd.unusedWeights());
            assertEquals(null, sd.unusedWeights().get("text_encoder"), "the text encoder loads at first use");
            sd.textEncoder();
            assertTrue(sd.unusedWeights().get("text_encoder").isEmpty(), "unused text weights " + sd.unusedWeights());
            assertEquals(List.of("decoder.conv_in.bias", "decoder.conv_in.weight", "post_quant_conv.bias",
                    "post_quant_conv.weight"), new ArrayList<>(sd.unusedWeights().get("vae")));
            long[] ids = sd.tokenizer().encode("Part  cell");
            assertArrayEquals(new long[] {TinyVocabulary.id("<|startoftext|>"), TinyVocabulary.id("part</w>"),
                    TinyVocabulary.id("cell</w>"), TinyVocabulary.id("<|endoftext|>"), TinyVocabulary.id("<|endoftext|>")},
                    java.util.Arrays.copyOf(ids, 5));
            assertEquals(77, ids.length);
            runEverything(sd, 2);
        }
    }

    @Test
    void sd2StyleWithLinearProjectionHeadListGeluAndNewVaeNaming() throws Exception {
        try (StableDiffusion sd = StableDiffusion.load(TinyModel.write(tmp.resolve("sd2"), true, DType.F32, 2),
                DeviceChoice.CPU)) {
            assertTrue(sd.unusedWeights().get("unet").isEmpty(), "unused UNet weights " + sd.unusedWeights());
            assertEquals(4, sd.unusedWeights().get("vae").size(), "only decoder weights unused");
            assertEquals(TinyVocabulary.id("!"), sd.tokenizer().padId(), "SD-2 pads with '!'");
            assertEquals(TinyVocabulary.id("!"), sd.tokenizer().encode("part")[5]);
            runEverything(sd, 4);
        }
    }

    /** Shapes, captured layers, and the batch property: item 0 of a batch of two equals the batch of one. */
    private static void runEverything(StableDiffusion sd, int headsAtTheTop) {
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray ids = m.create(sd.tokenizer().encode("part cell"), new Shape(1, 77));
            NDArray text = sd.textEncoder().forward(ids);
            assertEquals(new Shape(1, 77, TinyModel.TEXT_DIM), text.getShape());
            NDArray latents = sd.vae().encodeImages(random(m, 3, 1, 3, 64, 64).abs().clip(0, 1),
                    random(m, 4, 1, 4, 8, 8));
            assertEquals(new Shape(1, 4, 8, 8), latents.getShape());
            NDArray context = text.concat(random(m, 5, 1, 77, TinyModel.TEXT_DIM), 0);
            List<String> paths = List.of("down_blocks.0.attentions.0.transformer_blocks.0.attn1",
                    "down_blocks.0.attentions.0.transformer_blocks.0.attn2",
                    "mid_block.attentions.0.transformer_blocks.0.attn2",
                    "up_blocks.1.attentions.1.transformer_blocks.0.attn1");
            CapturedScores capture = new CapturedScores(paths);
            NDArray batch = latents.concat(latents, 0);
            NDArray both = sd.unet().forward(batch, 50, context, capture);
            assertEquals(new Shape(2, 4, 8, 8), both.getShape());
            assertEquals(4, capture.all().size());
            assertEquals(new Shape(2 * 2, 64, 64), capture.get(paths.get(0)).getShape());
            assertEquals(new Shape(2 * 2, 64, 77), capture.get(paths.get(1)).getShape());
            assertEquals(new Shape(2 * headsAtTheTop, 16, 77), capture.get(paths.get(2)).getShape());
            assertEquals(new Shape(2 * 2, 64, 64), capture.get(paths.get(3)).getShape());
            NDArray one = sd.unet().forward(latents, 50, text, AttentionCapture.NONE);
            Fixture.assertClose("tiny batch item 0 vs alone", one.toFloatArray(),
                    both.get("0:1").toFloatArray(), 1e-5);
            NDArray other = sd.unet().forward(latents, 51, text, AttentionCapture.NONE);
            assertTrue(other.sub(one).abs().max().getFloat() > 1e-4, "the timestep changes the prediction");
        }
    }

    @Test
    void halfPrecisionFilesAreWidenedExactly() throws Exception {
        for (DType type : List.of(DType.F16, DType.BF16)) {
            Path half = TinyModel.write(tmp.resolve("half" + type), false, type, 7);
            Path full = tmp.resolve("full" + type);
            HalfCopies.widen(half, full);
            try (StableDiffusion a = StableDiffusion.load(half, DeviceChoice.CPU);
                 StableDiffusion b = StableDiffusion.load(full, DeviceChoice.CPU);
                 NDManager m = a.manager().newSubManager()) {
                NDArray x = random(m, 9, 1, 4, 8, 8);
                NDArray ctx = random(m, 10, 1, 77, TinyModel.TEXT_DIM);
                float[] ya = a.unet().forward(x, 10, ctx, AttentionCapture.NONE).toFloatArray();
                float[] yb = b.unet().forward(x, 10, ctx, AttentionCapture.NONE).toFloatArray();
                assertArrayEquals(yb, ya, type + " weights read as the fp32 values they encode");
            }
        }
    }

    @Test
    void nonSquareAndOddLatentSizes() throws Exception {
        try (StableDiffusion sd = StableDiffusion.load(TinyModel.write(tmp.resolve("odd"), false, DType.F32, 3),
                DeviceChoice.CPU);
             NDManager m = sd.manager().newSubManager()) {
            NDArray ctx = random(m, 1, 1, 77, TinyModel.TEXT_DIM);
            for (long[] hw : new long[][] {{8, 12}, {7, 9}}) {
                NDArray y = sd.unet().forward(random(m, 2, 1, 4, hw[0], hw[1]), 100, ctx, AttentionCapture.NONE);
                assertEquals(new Shape(1, 4, hw[0], hw[1]), y.getShape());
            }
            NDArray latents = sd.vae().encodeImages(random(m, 3, 1, 3, 48, 80).abs().clip(0, 1),
                    random(m, 4, 1, 4, 6, 10));
            assertEquals(new Shape(1, 4, 6, 10), latents.getShape());
        }
    }
}
