package org.slime4j.core.unet;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.GroupNorm;
import org.slime4j.core.nn.Linear;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers {@code Transformer2DModel} on continuous input: GroupNorm, projection in (1×1 conv for SD 1.x, linear
 * for SD 2.x), transformer blocks over the flattened pixels (row-major {@code y·w + x}), projection out, residual.
 */
final class Transformer2DModel {
    private final GroupNorm norm;
    private final Conv2d projInConv;
    private final Conv2d projOutConv;
    private final Linear projInLinear;
    private final Linear projOutLinear;
    private final List<BasicTransformerBlock> blocks = new ArrayList<>();

    public Transformer2DModel(WeightStore w, String prefix, int channels, int heads, int crossDim, int groups,
                              boolean linearProjection, int layers, int attentionSlice) {
        norm = new GroupNorm(w, prefix + ".norm", groups, channels, 1e-6);
        if (linearProjection) {
            projInLinear = new Linear(w, prefix + ".proj_in", channels, channels, true);
            projOutLinear = new Linear(w, prefix + ".proj_out", channels, channels, true);
            projInConv = null;
            projOutConv = null;
        } else {
            projInConv = new Conv2d(w, prefix + ".proj_in", channels, channels, 1, 1, 0);
            projOutConv = new Conv2d(w, prefix + ".proj_out", channels, channels, 1, 1, 0);
            projInLinear = null;
            projOutLinear = null;
        }
        for (int i = 0; i < layers; i++) {
            blocks.add(new BasicTransformerBlock(w, prefix + ".transformer_blocks." + i, channels, heads,
                    channels / heads, crossDim, attentionSlice));
        }
    }

    /** x [B, C, H, W], context [B, 77, crossDim] -> [B, C, H, W]. */
    public NDArray forward(NDArray x, NDArray context, AttentionCapture capture) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray tokens = Nn.scoped(() -> {
            NDArray n = norm.forward(x);                                         // [B, C, H, W]
            return projInConv != null
                    ? projInConv.forward(n).transpose(0, 2, 3, 1).reshape(b, h * w, c)  // [B, HW, C]
                    : projInLinear.forward(n.transpose(0, 2, 3, 1).reshape(b, h * w, c)); // [B, HW, C]
        });
        for (BasicTransformerBlock block : blocks) {
            tokens = Nn.then(tokens, t -> block.forward(t, context, capture));   // [B, HW, C]
        }
        return Nn.then(tokens, t -> (projOutConv != null
                ? projOutConv.forward(t.reshape(b, h, w, c).transpose(0, 3, 1, 2))   // [B, C, H, W]
                : projOutLinear.forward(t).reshape(b, h, w, c).transpose(0, 3, 1, 2)) // [B, C, H, W]
                .add(x));
    }
}
