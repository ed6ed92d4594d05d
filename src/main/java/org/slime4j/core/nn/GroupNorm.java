package org.slime4j.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.slime4j.core.weights.WeightStore;

/**
 * {@code torch.nn.GroupNorm(groups, channels, eps)} with affine weights. DJL has no group norm; PyTorch's batch norm
 * in training mode over the groups computes the same statistics.
 */
public final class GroupNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final float eps;
    private final int groups;
    /** Per row count: batch norm's scratch running statistics (written, never read) and its identity affine. */
    private final java.util.Map<Long, NDList> constants = new java.util.concurrent.ConcurrentHashMap<>();

    public GroupNorm(WeightStore w, String prefix, int groups, int channels, double eps) {
        this.weight = w.getFloat32(prefix + ".weight", channels).reshape(1, channels, 1, 1);
        this.bias = w.getFloat32(prefix + ".bias", channels).reshape(1, channels, 1, 1);
        this.eps = (float) eps;
        this.groups = groups;
    }

    /** [N, C, H, W] -> [N, C, H, W]. */
    public NDArray forward(NDArray x) {
        if (x.getDataType() != DataType.FLOAT32) {                               // fp16: normalise in fp32
            try (NDArray wide = x.toType(DataType.FLOAT32, false); NDArray y = forward(wide)) {
                return y.toType(x.getDataType(), false);
            }
        }
        Shape shape = x.getShape();
        long rows = shape.get(0) * groups;
        NDList c = constants.computeIfAbsent(rows, this::constants);
        // PyTorch's fused batch-norm kernel over [1, N·G, C/G·H·W] in training mode normalises each (item, group)
        // with its biased variance: group norm in one pass instead of eight full-size ops.
        try (NDArray g = x.reshape(1, rows, -1);                                 // [1, N*G, C/G*H*W]
             NDArray normed = BatchNorm.batchNorm(g, c.get(0), c.get(1), c.get(2), c.get(3), 1, 0.1f, eps, true)
                     .singletonOrThrow()) {
            NDArray back = normed.reshape(shape);                                // [N, C, H, W]
            if (!Nn.recording()) {
                return back.muli(weight).addi(bias);                             // in place: no fresh buffers
            }
            try (back; NDArray scaled = back.mul(weight)) {
                return scaled.add(bias);
            }
        }
    }

    /** Made once per row count beside the weights (four arrays less per call), kept out of any running scope. */
    private NDList constants(long rows) {
        NDManager m = weight.getManager();
        Shape s = new Shape(rows);
        NDList c = new NDList(m.zeros(s), m.ones(s), m.ones(s), m.zeros(s));  // running mean, var; weight, bias
        c.forEach(NDScope::unregister);
        return c;
    }
}
