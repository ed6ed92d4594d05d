package org.slime4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Batched convolutions equal the same convolution item by item, values and input gradients, for the channel counts
 * where libtorch's CPU kernels were seen to fail on batches (see {@link Conv2d}).
 */
class Conv2dTest {
    @TempDir
    Path tmp;

    @Test
    void batchedEqualsItemByItemForwardAndBackward() throws Exception {
        int[][] shapes = {{16, 4}, {24, 8}, {4, 16}, {32, 16}, {24, 24}};
        Random r = new Random(5);
        for (int[] io : shapes) {
            int in = io[0];
            int out = io[1];
            Path file = tmp.resolve("conv" + in + "x" + out + ".safetensors");
            new SafeTensorsWriter()
                    .put("c.weight", SafeTensorsWriter.Tensor.floats(gaussian(r, out * in * 9), out, in, 3, 3))
                    .put("c.bias", SafeTensorsWriter.Tensor.floats(gaussian(r, out), out)).write(file, false);
            try (NDManager base = NDManager.newBaseManager(); SafeTensors st = SafeTensors.open(file)) {
                Conv2d conv = new Conv2d(new WeightStore(st, base), "c", in, out, 3, 1, 1);
                for (int repeat = 0; repeat < 10; repeat++) {
                    try (NDManager m = base.newSubManager()) {
                        NDArray x = m.create(gaussian(r, 2 * in * 64), new Shape(2, in, 8, 8)).duplicate();
                        NDArray up = m.create(gaussian(r, 2 * out * 64), new Shape(2, out, 8, 8)).duplicate();
                        x.setRequiresGradient(true);
                        NDArray y;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            y = conv.forward(x);
                            gc.backward(y.mul(up).sum());
                        }
                        NDArray grad = x.getGradient();
                        for (int item = 0; item < 2; item++) {
                            NDArray xi = x.get(item + ":" + (item + 1)).stopGradient();
                            xi.setRequiresGradient(true);
                            NDArray yi;
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                yi = conv.forward(xi);
                                gc.backward(yi.mul(up.get(item + ":" + (item + 1))).sum());
                            }
                            float dy = yi.sub(y.get(item + ":" + (item + 1))).abs().max().getFloat();
                            float dg = xi.getGradient().sub(grad.get(item + ":" + (item + 1))).abs().max().getFloat();
                            assertTrue(dy < 1e-4, in + "->" + out + " output of item " + item + " differs by " + dy);
                            assertTrue(dg < 1e-4, in + "->" + out + " input gradient of item " + item
                                    + " differs by " + dg);
                        }
                        assertEquals(new Shape(2, out, 8, 8), y.getShape());
                    }
                }
            }
        }
    }
}
