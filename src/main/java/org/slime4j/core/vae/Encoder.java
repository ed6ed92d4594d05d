package org.slime4j.core.vae;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.config.VaeConfig;
import org.slime4j.core.nn.Conv2d;
import org.slime4j.core.nn.GroupNorm;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.unet.Downsample2D;
import org.slime4j.core.unet.ResnetBlock2D;
import org.slime4j.core.weights.WeightStore;

/**
 * diffusers VAE {@code Encoder}: conv_in, {@code DownEncoderBlock2D}s (resnets, then a padded stride-2 conv except
 * in the last block), the middle block (resnet, attention, resnet), GroupNorm, SiLU, conv_out to mean ‖ log-variance.
 */
final class Encoder {
    private static final double EPS = 1e-6;
    private final Conv2d convIn;
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Downsample2D> downsamplers = new ArrayList<>();
    private final int layersPerBlock;
    private final ResnetBlock2D midResnet0;
    private final AttentionBlock midAttention;
    private final ResnetBlock2D midResnet1;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public Encoder(WeightStore w, String prefix, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int g = c.normNumGroups();
        layersPerBlock = c.layersPerBlock();
        convIn = new Conv2d(w, prefix + ".conv_in", c.inChannels(), ch[0], 3, 1, 1);
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            String block = prefix + ".down_blocks." + i;
            for (int j = 0; j < layersPerBlock; j++) {
                resnets.add(new ResnetBlock2D(w, block + ".resnets." + j, j == 0 ? in : out, out, 0, g, EPS, 1.0));
            }
            downsamplers.add(i < ch.length - 1 ? new Downsample2D(w, block + ".downsamplers.0", out, 0) : null);
        }
        int last = ch[ch.length - 1];
        midResnet0 = new ResnetBlock2D(w, prefix + ".mid_block.resnets.0", last, last, 0, g, EPS, 1.0);
        midAttention = new AttentionBlock(w, prefix + ".mid_block.attentions.0", last, g, EPS);
        midResnet1 = new ResnetBlock2D(w, prefix + ".mid_block.resnets.1", last, last, 0, g, EPS, 1.0);
        convNormOut = new GroupNorm(w, prefix + ".conv_norm_out", g, last, EPS);
        convOut = new Conv2d(w, prefix + ".conv_out", last, 2 * c.latentChannels(), 3, 1, 1);
    }

    /** Image in [-1, 1], [N, 3, H, W] -> [N, 2·latent, H/f, W/f]. */
    public NDArray forward(NDArray x) {
        NDArray h = convIn.forward(x);                                           // [N, c0, H, W]
        for (int i = 0; i < resnets.size(); i++) {
            ResnetBlock2D resnet = resnets.get(i);
            h = Nn.then(h, old -> resnet.forward(old, null));                    // [N, c_b, ., .]
            Downsample2D down = downsamplers.get(i / layersPerBlock);
            if (down != null && i % layersPerBlock == layersPerBlock - 1) {
                h = Nn.then(h, down::forward);                                   // [N, c_b, ./2, ./2]
            }
        }
        h = Nn.then(h, old -> midResnet0.forward(old, null));                    // [N, c, ., .]
        h = Nn.then(h, midAttention::forward);                                   // [N, c, ., .]
        h = Nn.then(h, old -> midResnet1.forward(old, null));                    // [N, c, ., .]
        return Nn.then(h, old -> convOut.forward(Nn.silu(convNormOut.forward(old)))); // [N, 2·latent, ., .]
    }
}
