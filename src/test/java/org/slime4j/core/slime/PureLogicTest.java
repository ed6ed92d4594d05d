package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Engines;

/** The arithmetic that needs no model: tile origins, crop origins, mean IoU, bilinear indices, input mapping, tiling. */
class PureLogicTest {
    @Test
    void tileOriginsAreEvenlySpacedWithTheLastFlushWithTheEnd() {
        assertArrayEquals(new int[] {0}, Tiling.origins(64, 64, 0.25), "one tile when the image fits");
        assertArrayEquals(new int[] {0}, Tiling.origins(40, 64, 0.25), "one (padded) tile when smaller");
        // stride round(64 * 0.75) = 48: ceil(36 / 48) + 1 = 2 tiles, the last at 100 - 64
        assertArrayEquals(new int[] {0, 36}, Tiling.origins(100, 64, 0.25));
        // 512 px at S = 128 with no overlap: 4 tiles exactly
        assertArrayEquals(new int[] {0, 128, 256, 384}, Tiling.origins(512, 128, 0));
        // 200 px, S = 64, overlap 0.5: stride 32, ceil(136 / 32) + 1 = 6 tiles spread over 0..136
        assertArrayEquals(new int[] {0, 27, 54, 82, 109, 136}, Tiling.origins(200, 64, 0.5));
    }

    @Test
    void tilingIsParsedOnceForEveryFrontEnd() {
        assertFalse(Tiling.parse("squeeze", 2, 0.5).tiled());
        assertEquals(Tiling.tiles(0.5, 0.1), Tiling.parse(" Tiles ", 0.5, 0.1));
        String typo = assertThrows(IllegalArgumentException.class, () -> Tiling.parse("tile", 1, 0.25)).getMessage();
        assertTrue(typo.contains("'tile'") && typo.contains("squeeze or tiles"), typo);
        String scale = assertThrows(IllegalArgumentException.class, () -> Tiling.parse("tiles", 0, 0.25)).getMessage();
        assertTrue(scale.contains("scale"), scale);
    }

    @Test
    void cropOriginsCoverTheImageAsTheReferenceSteps() {
        assertArrayEquals(new long[] {0}, Segmenter.cropOrigins(64, 1, 64), "one crop: the whole image");
        assertArrayEquals(new long[] {0, 16}, Segmenter.cropOrigins(64, 2, 48), "2 crops of 48 in 64: step 16");
        assertArrayEquals(new long[] {0, 64, 128}, Segmenter.cropOrigins(512, 3, 384), "(512 - 384) / 2 = 64");
    }

    /** The reference's per-crop selection and accumulation on hand-made maps (3 parts, a 2×2 latent). */
    @Test
    void partsBelowTheThresholdAreDroppedAndKeptMapsRescaledToTheirRange() {
        Engines.init();
        try (NDManager m = NDManager.newBaseManager(DeviceChoice.CPU.resolve())) {
            NDArray cross = m.create(new float[] {0.1f, 0.9f, 0.2f, 0.3f, 0.4f, 0.3f, 0.2f, 0.1f, 0.6f, 0.7f, 0.8f,
                0.9f}, new Shape(3, 4));                                          // [K, L*L]
            java.util.Map<String, float[]> trace = new java.util.HashMap<>();
            Kept kept = Kept.of(cross, 0.5, Trace.into(trace));
            assertEquals(java.util.List.of(0, 2), kept.parts(), "part 1 peaks at 0.4 < 0.5");
            assertArrayEquals(new float[] {0, 2}, trace.get("infer.passed_indices"));
            // the first kept part is zeroed where not above its mean (0.375)
            assertArrayEquals(new float[] {0, 0.9f, 0, 0, 0.6f, 0.7f, 0.8f, 0.9f}, kept.rows().toFloatArray(), 1e-7f);
            Accumulator acc = new Accumulator(m, 3, 2, 2);
            NDArray was = m.create(new float[] {0, 1, 2, 3, 3, 2, 1, 0}, new Shape(2, 4));   // [K', L*L]
            acc.add(kept, was, 2, 0, 0, Trace.NONE);
            Segmenter.Result r = acc.result();
            // part 0: [0, 3] rescaled to its cross range [0.1, 0.9]; part 2: [3 .. 0] to [0.6, 0.9]; part 1 never kept
            float[] expected = {0.1f, 0.1f + 0.8f / 3, 0.1f + 1.6f / 3, 0.9f, 0, 0, 0, 0, 0.9f, 0.8f, 0.7f, 0.6f};
            assertArrayEquals(expected, r.scores(), 1e-6f);
            assertArrayEquals(new int[] {2, 2, 2, 0}, r.labels());
        }
    }

    @Test
    void meanIouAveragesThePartsPresentInTheTruth() {
        int[] truth = {0, 0, 1, 1};
        assertEquals(1.0, LabelImage.meanIou(truth, truth, 3), 1e-6, "part 2 absent from the truth: not counted");
        // background: 2 of 3 (pixels 0, 1 of union 0, 1, 2); part 1: 1 of 2 (pixel 3 of union 2, 3)
        assertEquals((2.0 / 3 + 1.0 / 2) / 2, LabelImage.meanIou(new int[] {0, 0, 0, 1}, truth, 2), 1e-6);
        assertEquals(0.0, LabelImage.meanIou(new int[] {1, 1, 0, 0}, truth, 2), 1e-6);
    }

    @Test
    void bilinearIndicesArePyTorchsAndTheJavaPathEqualsTheTensorPath() {
        // F.interpolate([[0, 1, 2, 3]], size=2, mode="linear"): sources 0.5 and 2.5
        assertArrayEquals(new float[] {0.5f, 2.5f}, Resize.bilinear(new float[] {0, 1, 2, 3}, 1, 1, 4, 1, 2), 0f);
        // upsampling 2 -> 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (the last row repeats itself)
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resize.bilinear(new float[] {0, 1}, 1, 1, 2, 1, 4), 0f);
        Random random = new Random(5);
        float[] planes = new float[3 * 13 * 17];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = random.nextFloat();
        }
        Engines.init();
        try (NDManager m = NDManager.newBaseManager(DeviceChoice.CPU.resolve())) {
            for (int[] size : new int[][] {{5, 9}, {29, 40}, {13, 17}}) {
                float[] tensor = Resize.bilinear(m, m.create(planes, new Shape(3, 13, 17)), size[0], size[1])
                        .toFloatArray();
                assertArrayEquals(tensor, Resize.bilinear(planes, 3, 13, 17, size[0], size[1]), 1e-6f,
                        "13×17 -> " + size[0] + "×" + size[1]);
            }
        }
    }

    @Test
    void inputMappingIsATypedValueStoredByName() {
        assertEquals(InputMapping.REFERENCE, InputMapping.AUTO.resolve(8));
        assertEquals(InputMapping.REFERENCE, InputMapping.AUTO.resolve(24));
        assertEquals(InputMapping.PERCENTILE, InputMapping.AUTO.resolve(16));
        for (InputMapping m : new InputMapping[] {InputMapping.REFERENCE, InputMapping.PERCENTILE}) {
            assertEquals(m, InputMapping.fromStored(m.storedName()));
        }
        assertEquals("reference /255", InputMapping.REFERENCE.storedName(), "the name files have always carried");
        assertThrows(IllegalStateException.class, InputMapping.AUTO::storedName);
        assertThrows(IllegalArgumentException.class, () -> InputMapping.fromStored("gamma"));
        RgbImage ref = InputMapping.REFERENCE.apply(2, 1, 8, new float[] {51, 300});
        assertArrayEquals(new float[] {0.2f, 1, 0.2f, 1, 0.2f, 1}, ref.data(), 1e-6f, "one channel to R, G, B; clamped");
        float[] wide = new float[1001];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = 1000 + 10 * i;                                             // 1000 .. 11000
        }
        RgbImage pct = InputMapping.PERCENTILE.apply(1001, 1, 16, wide);
        // the 0.1 and 99.9 percentiles are samples 1 and 999: they map to 0 and 1
        assertEquals(0f, pct.data()[1], 1e-6f);
        assertEquals(1f, pct.data()[999], 1e-6f);
        assertEquals(0.5f, pct.data()[500], 1e-6f);
    }
}
