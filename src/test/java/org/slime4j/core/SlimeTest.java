package org.slime4j.core;

import static org.slime4j.core.slime.SlimeOption.*;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Segmented;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.Randomness;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.weights.DType;
import org.slime4j.core.weights.ModelFormatException;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.Slime;

/** The facade on a tiny random model: training, files, segmentation, tiling, inputs, cancel. Fresh-clone test. */
class SlimeTest {
    static final int S = 64;
    static final List<String> NAMES = List.of("background", "disk", "square");
    @TempDir
    static Path tmp;
    static Slime slime;

    @BeforeAll
    static void open() throws Exception {
        slime = Slime.open(TinyModel.write(tmp.resolve("model"), false, DType.F32, 21), DeviceChoice.CPU);
    }

    @AfterAll
    static void close() {
        if (slime != null) {
            slime.close();
        }
    }

    /**
     * The tiny UNet has attention only in up_blocks.1, at the latent resolution. Every part is kept in every crop
     * (threshold 0): a few epochs on random weights do not reach the reference's 0.2, and the maps would go unused.
     */
    static SlimeOptions options(int epochs, boolean augment) {
        return SlimeOptions.defaults().with(WORKING_SIZE, S).with(EPOCHS, epochs).with(AUGMENT, augment)
                .with(CROSS_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn2",
                                "up_blocks.1.attentions.1.transformer_blocks.0.attn2"))
                .with(SELF_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn1",
                                "up_blocks.1.attentions.1.transformer_blocks.0.attn1"))
                .with(PATCHES_PER_SIDE, 1).with(PATCH_SIZE, 0).with(PATCH_THRESHOLD, 0.0).with(SEED, 7);
    }

    static Trainer.Pair sample(int w, int h) {
        return Samples.sample(w, h);
    }

    static Slime.TrainingRequest request(Trainer.Pair... pairs) {
        return new Slime.TrainingRequest(NAMES, null, List.of(pairs), false, InputMapping.REFERENCE, 0);
    }

    @Test
    void lossFallsOverAShortRun() {
        List<Float> losses = new ArrayList<>();
        slime.train(request(sample(S, S)), options(24, false), new Trainer.Listener() {
            @Override
            public void step(Trainer.StepReport r) {
                losses.add(r.result().loss1() + r.result().loss2());
            }
        }, () -> false).parts();
        double first = losses.subList(0, 4).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double last = losses.subList(20, 24).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertTrue(last < 0.9 * first, "attention losses " + first + " -> " + last + ": " + losses);
    }

    @Test
    void sameSeedSameVectorsAndAnotherSeedOthers() {
        LearnedParts a = slime.train(request(sample(S, S), sample(80, 48)), options(3, true), new Trainer.Listener() {
        }, () -> false).parts();
        LearnedParts b = slime.train(request(sample(S, S), sample(80, 48)), options(3, true), new Trainer.Listener() {
        }, () -> false).parts();
        for (int i = 0; i < a.vectors().length; i++) {
            assertArrayEquals(a.vectors()[i], b.vectors()[i]);
        }
        LearnedParts c = slime.train(request(sample(S, S), sample(80, 48)),
                options(3, true).with(SEED, 8), new Trainer.Listener() {
                }, () -> false).parts();
        assertFalse(java.util.Arrays.equals(a.vectors()[0], c.vectors()[0]), "another seed, other draws");
    }

    @Test
    void learnedPartsFileRoundTripsAndRefusesAnotherBaseModel() throws Exception {
        LearnedParts parts = slime.train(request(sample(S, S)), options(2, false), new Trainer.Listener() {
        }, () -> false).parts();
        Path file = tmp.resolve("parts.slime");
        parts.save(file, false);
        assertThrows(FileAlreadyExistsException.class, () -> parts.save(file, false));
        LearnedParts back = LearnedParts.load(file);
        assertEquals(NAMES, back.partNames());
        assertEquals(parts.baseModel(), back.baseModel());
        assertEquals(parts.options().crossLayers(), back.options().crossLayers());
        assertEquals(parts.options().workingSize(), back.options().workingSize());
        assertEquals(InputMapping.REFERENCE, back.inputMapping());
        for (int i = 0; i < parts.vectors().length; i++) {
            assertArrayEquals(parts.vectors()[i], back.vectors()[i]);
        }
        RgbImage image = sample(S, S).image();
        assertArrayEquals(slime.segment(parts, image, Tiling.squeeze(), 3, false).labels(),
                slime.segment(back, image, Tiling.squeeze(), 3, false).labels());
        try (Slime other = Slime.open(TinyModel.write(tmp.resolve("sd2"), true, DType.F32, 22), DeviceChoice.CPU)) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> other.segment(back, image, Tiling.squeeze(), 3, false)).getMessage();
            assertTrue(m.contains("learned on 'model'") && m.contains("given 'sd2'")
                    && m.contains(parts.baseModel().fingerprint()), m);
        }
        String notSlime = assertThrows(ModelFormatException.class,
                () -> LearnedParts.load(tmp.resolve("model/unet/diffusion_pytorch_model.safetensors"))).getMessage();
        assertTrue(notSlime.contains("not a SLiMe learned-parts file"), notSlime);
    }

    @Test
    void oneTileAtExactlySEqualsTheSinglePassAndLargeImagesTile() {
        LearnedParts parts = slime.train(request(sample(S, S)), options(2, false), new Trainer.Listener() {
        }, () -> false).parts();
        RgbImage image = sample(S, S).image();
        Segmented single = slime.segment(parts, image, Tiling.squeeze(), 11, true);
        Segmented tiled = slime.segment(parts, image, Tiling.tiles(1, 0.25), 11, true);
        assertArrayEquals(single.labels(), tiled.labels());
        Fixture.assertClose("tiny one tile vs single pass scores", tiled.scores(), single.scores(), 1e-6);
        RgbImage wide = sample(150, 70).image();
        Segmented big = slime.segment(parts, wide, Tiling.tiles(1, 0.25), 11, false);
        assertEquals(150 * 70, big.labels().length);
        Segmented squeezed = slime.segment(parts, wide, Tiling.squeeze(), 11, false);
        assertEquals(150 * 70, squeezed.labels().length);
        for (int v : big.labels()) {
            assertTrue(v >= 0 && v < NAMES.size());
        }
    }

    /** A .slime file carries its text encodings: segmenting never loads the text encoder (1.4 GB at SD-2.1 size). */
    @Test
    void segmentationLeavesTheTextEncoderUnloaded() throws Exception {
        LearnedParts parts = slime.train(request(sample(S, S)), options(1, false), new Trainer.Listener() {
        }, () -> false).parts();
        try (Slime fresh = Slime.open(tmp.resolve("model"), DeviceChoice.CPU)) {
            Segmented s = fresh.segment(parts, sample(S, S).image(), Tiling.squeeze(), 11, false);
            assertEquals(S * S, s.labels().length);
            assertFalse(fresh.model().unusedWeights().containsKey("text_encoder"),
                    "text encoder loaded: " + fresh.model().unusedWeights().keySet());
        }
    }

    /** Uncaptured layers (down_blocks.0 here, and the whole unconditional pass) computed 5 query rows at a time. */
    @Test
    void attentionSlicingChangesNoResult() throws Exception {
        Trainer.Listener quiet = new Trainer.Listener() {
        };
        RgbImage image = sample(S, S).image();
        LearnedParts whole = slime.train(request(sample(S, S)), options(3, false), quiet, () -> false).parts();
        Segmented wholeSeg = slime.segment(whole, image, Tiling.squeeze(), 11, true);
        LearnedParts sliced;
        Segmented slicedSeg;
        // 64 queries: 12 slices of 5, one of 4
        try (Slime other = Slime.open(tmp.resolve("model"), Execution.on(DeviceChoice.CPU).withAttentionSlice(5))) {
            sliced = other.train(request(sample(S, S)), options(3, false), quiet, () -> false).parts();
            slicedSeg = other.segment(whole, image, Tiling.squeeze(), 11, true);
        }
        for (int i = 0; i < whole.vectors().length; i++) {
            Fixture.assertClose("sliced attention: vector " + i, sliced.vectors()[i], whole.vectors()[i], 1e-5);
        }
        assertArrayEquals(wholeSeg.labels(), slicedSeg.labels());
        Fixture.assertClose("sliced attention: segmentation scores", slicedSeg.scores(), wholeSeg.scores(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Execution.defaults().withAttentionSlice(-1));
    }

    /** Tiles of a large image, and the n×n crops of one image, batched through the VAE and UNet: same results. */
    @Test
    void cropsPerPassChangesNoResult() throws Exception {
        LearnedParts parts = slime.train(request(sample(S, S)), options(2, false), new Trainer.Listener() {
        }, () -> false).parts();
        RgbImage wide = sample(150, 70).image();                                  // 3 × 2 tiles
        SlimeOptions crops = parts.options().with(PATCHES_PER_SIDE, 2).with(PATCH_SIZE, 48).with(PATCH_THRESHOLD, 0.0);
        Segmenter.Result oneByOne = crops(slime.model(), parts, crops);
        Segmented tiledOneByOne = slime.segment(parts, wide, Tiling.tiles(1, 0.25), 11, true);
        Segmenter.Result batched;
        Segmented tiledBatched;
        // batches of 3 + 1 crops, 3 + 3 tiles
        try (Slime other = Slime.open(tmp.resolve("model"), Execution.on(DeviceChoice.CPU).withCropsPerPass(3))) {
            batched = crops(other.model(), parts, crops);
            tiledBatched = other.segment(parts, wide, Tiling.tiles(1, 0.25), 11, true);
        }
        assertTrue(max(oneByOne.scores()) > 0 && max(tiledOneByOne.scores()) > 0, "every part is kept");
        assertArrayEquals(oneByOne.labels(), batched.labels());
        Fixture.assertClose("crops per pass: 2×2 crops' scores", batched.scores(), oneByOne.scores(), 1e-5);
        assertArrayEquals(tiledOneByOne.labels(), tiledBatched.labels());
        Fixture.assertClose("crops per pass: tiles' scores", tiledBatched.scores(), tiledOneByOne.scores(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Execution.defaults().withCropsPerPass(0));
    }

    /** The 2×2 crops of one sample image at S, segmented by {@code sd}. */
    private static Segmenter.Result crops(StableDiffusion sd, LearnedParts parts, SlimeOptions crops) {
        try (NDManager m = sd.manager().newSubManager()) {
            return Segmenter.of(sd, parts.text(), parts.vectors(), crops, m).segment(sample(S, S).image().toArray(m),
                    S, Randomness.seeded(3), Trace.NONE);
        }
    }

    @Test
    void sixteenBitSingleChannelInputIsMappedAndUsable() {
        int w = S;
        float[] raw = new float[w * w];
        Trainer.Pair base = sample(w, w);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = 1000 + 40000 * base.image().data()[i];                       // red channel, 16-bit range
        }
        RgbImage mapped = InputMapping.AUTO.apply(w, w, 16, raw);
        float[] sorted = raw.clone();
        java.util.Arrays.sort(sorted);
        float lo = sorted[(int) Math.floor(0.001 * (raw.length - 1))];
        for (int i = 0; i < raw.length; i++) {
            assertEquals(mapped.data()[i], mapped.data()[raw.length + i], "grey replicated to G");
            assertEquals(mapped.data()[i], mapped.data()[2 * raw.length + i], "grey replicated to B");
            assertTrue(mapped.data()[i] >= 0 && mapped.data()[i] <= 1);
        }
        assertEquals(0f, mapped.data()[indexOf(raw, lo)], 1e-6f);
        assertEquals(InputMapping.PERCENTILE, InputMapping.AUTO.resolve(16));
        assertEquals(InputMapping.REFERENCE, InputMapping.AUTO.resolve(8));
        RgbImage eight = InputMapping.AUTO.apply(2, 1, 8, new float[] {0, 255}, new float[] {51, 102},
                new float[] {255, 0});
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f, 1, 0}, eight.data());
        LearnedParts parts = slime.train(new Slime.TrainingRequest(NAMES, null,
                        List.of(new Trainer.Pair(mapped, base.mask())), false, InputMapping.AUTO.resolve(16), 0),
                options(2, false), new Trainer.Listener() {
                }, () -> false).parts();
        assertEquals(InputMapping.PERCENTILE, parts.inputMapping());
        assertEquals("percentile 0.1-99.9", parts.inputMapping().storedName());
        assertEquals(w * w, slime.segment(parts, mapped, Tiling.squeeze(), 1, false).labels().length);
    }

    private static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static int indexOf(float[] values, float v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        throw new AssertionError(v + " not found");
    }

    @Test
    void cancelStopsWithinOneStep() {
        AtomicInteger steps = new AtomicInteger();
        LearnedParts parts = slime.train(request(sample(S, S)), options(50, false), new Trainer.Listener() {
            @Override
            public void step(Trainer.StepReport r) {
                steps.incrementAndGet();
            }
        }, () -> steps.get() >= 1).parts();
        assertEquals(1, steps.get(), "steps run after cancel was requested");
        assertEquals(NAMES.size() - 1, parts.vectors().length);
    }
}
