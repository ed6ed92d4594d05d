package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.Samples;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.model.TinyModel;

/**
 * The VAE's moments kept for images that do not change: a validation segmentation and a training step that take
 * them from the cache give the same labels, scores, losses and gradients bit for bit as computing them anew with
 * the same draws, and the encoder runs once per image or crop however many epochs follow.
 */
class EncodingsTest {
    @TempDir
    Path tmp;

    @Test
    void keptMomentsSegmentAndTrainBitForBitAsComputedAnew() throws Exception {
        try (StableDiffusion sd = StableDiffusion.load(TinyModel.writeSdLayout(tmp.resolve("model"), 61),
                DeviceChoice.CPU); NDManager m = sd.manager().newSubManager();
             Encodings kept = new Encodings(sd)) {
            SlimeOptions o = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64)
                    .with(SlimeOption.PATCHES_PER_SIDE, 2).with(SlimeOption.PATCH_SIZE, 48);
            TextContext text = TextContext.encode(sd, 3, null);
            Trainer.Pair pair = Samples.sample(64, 64);
            NDArray vectors = Rows.toDevice(m, text.initialVectors());
            for (int epoch = 0; epoch < 3; epoch++) {
                Segmenter.Result anew = new Segmenter(sd, text, vectors, o).atImageSize(pair.image(),
                        Tiling.squeeze(), Randomness.seeded(epoch), true);
                Segmenter.Result cached = new Segmenter(sd, text, vectors, o).keeping(kept).atImageSize(pair.image(),
                        Tiling.squeeze(), Randomness.seeded(epoch), true);
                assertArrayEquals(anew.labels(), cached.labels(), "epoch " + epoch);
                assertArrayEquals(anew.scores(), cached.scores(), "epoch " + epoch + ": scores bit for bit");
            }
            assertEquals(4, kept.encoderPasses(), "each of the 2×2 crops encoded once (one crop per pass), not 3 times");

            int l = o.latentSize();
            int[] mask = pair.mask().resizeNearest(l, l).labels();
            NDArray image = pair.image().toArray(m);
            TrainStep.Kept trainingImage = new TrainStep.Kept(kept, pair.image());
            for (int step = 0; step < 3; step++) {
                Randomness r = Randomness.seeded(10 + step);
                NDArray eps = r.normal(m, new Shape(1, 4, l, l));
                NDArray noise = r.normal(m, new Shape(1, 4, l, l));
                TrainStep.Result anew = TrainStep.run(sd, text, o, image, null, mask, 300, eps, noise, vectors,
                        Trace.NONE).toHost();
                TrainStep.Result cached = TrainStep.run(sd, text, o, image, trainingImage, mask, 300, eps, noise,
                        vectors, Trace.NONE).toHost();
                assertEquals(anew.loss(), cached.loss(), 0.0, "step " + step);
                assertEquals(anew.sdLoss(), cached.sdLoss(), 0.0);
                for (int i = 0; i < anew.gradients().length; i++) {
                    assertArrayEquals(anew.gradients()[i], cached.gradients()[i], "step " + step + ", row " + i);
                }
            }
            assertEquals(5, kept.encoderPasses(), "and the training image once");
        }
    }
}
