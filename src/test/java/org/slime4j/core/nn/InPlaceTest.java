package org.slime4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slime4j.core.nn.Values.gaussian;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.WeightStore;

/**
 * SiLU and GroupNorm write in place only where autograd is not recording: there they give the recorded path's
 * numbers bit for bit and leave their input untouched; under a gradient collector the backward pass still runs
 * (sigmoid's backward reads its output) and SiLU's gradient is the analytic one.
 */
class InPlaceTest {
    @TempDir
    Path tmp;

    @Test
    void inPlaceOutsideTheCollectorSameBitsAndGradientsInside() throws Exception {
        Random r = new Random(3);
        int c = 8;
        Path file = tmp.resolve("norm.safetensors");
        new SafeTensorsWriter().put("n.weight", SafeTensorsWriter.Tensor.floats(gaussian(r, c), c))
                .put("n.bias", SafeTensorsWriter.Tensor.floats(gaussian(r, c), c)).write(file, false);
        try (NDManager m = NDManager.newBaseManager(); SafeTensors st = SafeTensors.open(file)) {
            GroupNorm norm = new GroupNorm(new WeightStore(st, m), "n", 4, c, 1e-5);
            float[] values = gaussian(r, 2 * c * 36);
            NDArray x = m.create(values, new Shape(2, c, 6, 6)).duplicate();
            assertFalse(Nn.recording());
            float[] silu = Nn.silu(x).toFloatArray();
            float[] normed = norm.forward(x).toFloatArray();
            assertArrayEquals(values, x.toFloatArray(), "the input is not written");

            NDArray xg = x.duplicate();
            xg.setRequiresGradient(true);
            NDArray s;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                assertTrue(Nn.recording());
                s = Nn.silu(xg);
                NDArray n = norm.forward(xg);
                assertArrayEquals(silu, s.toFloatArray(), "SiLU recorded = in place, bit for bit");
                assertArrayEquals(normed, n.toFloatArray(), "GroupNorm recorded = in place, bit for bit");
                gc.backward(s.sum());
            }
            float[] grad = xg.getGradient().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                double sig = 1 / (1 + Math.exp(-values[i]));
                assertEquals(sig * (1 + values[i] * (1 - sig)), grad[i], 1e-6, "d silu / dx at " + i);
            }
        }
    }
}
