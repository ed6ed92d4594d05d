package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Engines;

/** {@link Resize}: PyTorch's numbers, and its result always belongs to the manager it is given. */
class ResizeTest {
    @Test
    void upsamplesAsPyTorchBilinearWithoutAlignedCorners() {
        Engines.init();
        try (NDManager m = NDManager.newBaseManager(DeviceChoice.CPU.resolve())) {
            NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            // F.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False)
            float[] expected = {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f,
                2.75f, 3};
            assertArrayEquals(expected, Resize.bilinear(m, x, 4, 4).toFloatArray(), 1e-6f);
        }
    }

    /**
     * The same-size case returns a view; it must still belong to the step's manager, or everything computed from it
     * would pile up in the input's (long-lived) manager: 90 MB per training step at S = 256 before this held.
     */
    @Test
    void resultBelongsToTheGivenManagerEvenWhenTheSizeIsUnchanged() {
        Engines.init();
        try (NDManager outer = NDManager.newBaseManager(DeviceChoice.CPU.resolve())) {
            NDArray x = outer.randomUniform(0, 1, new Shape(1, 3, 8, 8));
            NDArray same;
            NDArray other;
            try (NDManager step = outer.newSubManager()) {
                same = Resize.bilinear(step, x, 8, 8);
                other = Resize.bilinear(step, x, 4, 4);
                NDArray derived = same.mul(2);
                assertTrue(derived.getManager() == step, "derived arrays follow the view's manager");
            }
            assertTrue(same.isReleased() && other.isReleased(), "closing the step's manager frees its results");
            assertFalse(x.isReleased(), "the input stays with its own manager");
            assertArrayEquals(new long[] {1, 3, 8, 8}, x.getShape().getShape());
        }
    }
}
