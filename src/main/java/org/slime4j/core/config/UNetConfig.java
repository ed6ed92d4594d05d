package org.slime4j.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slime4j.core.weights.ModelFormatException;

/**
 * The UNet's {@code unet/config.json} (diffusers {@code UNet2DConditionModel}), SD 1.x and 2.x.
 *
 * @param heads attention heads per down block (the up blocks use it reversed). In the diffusers generation of
 *              SD 1.x/2.x, {@code attention_head_dim} holds the NUMBER of heads; {@code num_attention_heads}
 *              wins when a newer config has it.
 */
public record UNetConfig(int inChannels, int outChannels, int[] blockOutChannels, List<String> downBlockTypes,
                         List<String> upBlockTypes, int layersPerBlock, int[] heads, int crossAttentionDim,
                         int normNumGroups, double normEps, boolean useLinearProjection, boolean upcastAttention,
                         boolean flipSinToCos, int freqShift, int downsamplePadding, double midBlockScaleFactor,
                         int transformerLayersPerBlock) {
    private static final Set<String> DOWN = Set.of("CrossAttnDownBlock2D", "DownBlock2D");
    private static final Set<String> UP = Set.of("CrossAttnUpBlock2D", "UpBlock2D");

    public static UNetConfig read(Path file) {
        JsonConfig c = JsonConfig.read(file);
        int[] channels = c.integers("block_out_channels");
        int n = channels.length;
        List<String> down = c.strings("down_block_types");
        List<String> up = c.strings("up_block_types");
        check(file, down.size() == n && up.size() == n, "down_block_types and up_block_types need "
                + n + " entries each (one per block_out_channels), found " + down.size() + " and " + up.size());
        for (String t : down) {
            check(file, DOWN.contains(t), "down block type '" + t + "' is not supported (expected one of "
                    + DOWN + ")");
        }
        for (String t : up) {
            check(file, UP.contains(t), "up block type '" + t + "' is not supported (expected one of " + UP + ")");
        }
        String headsKey = c.has("num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
        int[] heads = c.integerPerBlock(headsKey, n);
        int groups = c.integer("norm_num_groups", 32);
        for (int i = 0; i < n; i++) {
            check(file, channels[i] > 0 && channels[i] % groups == 0, "block_out_channels " + channels[i]
                    + " is not a positive multiple of norm_num_groups " + groups);
            check(file, heads[i] > 0 && channels[i] % heads[i] == 0, "block " + i + " has " + channels[i]
                    + " channels, not divisible into " + heads[i] + " heads ('" + headsKey + "')");
        }
        check(file, c.string("act_fn", "silu").equals("silu"), "act_fn '" + c.string("act_fn", "") + "' is not supported");
        check(file, !c.bool("only_cross_attention", false), "only_cross_attention is not supported");
        check(file, !c.bool("dual_cross_attention", false), "dual_cross_attention is not supported");
        check(file, !c.has("class_embed_type") && !c.has("num_class_embeds"), "class embeddings are not supported");
        check(file, !c.has("addition_embed_type"), "addition_embed_type is not supported (SDXL-style models)");
        check(file, c.string("resnet_time_scale_shift", "default").equals("default"),
                "resnet_time_scale_shift other than 'default' is not supported");
        check(file, c.string("mid_block_type", "UNetMidBlock2DCrossAttn").equals("UNetMidBlock2DCrossAttn"),
                "mid_block_type other than UNetMidBlock2DCrossAttn is not supported");
        check(file, !c.bool("center_input_sample", false), "center_input_sample is not supported");
        int transformerLayers = c.has("transformer_layers_per_block")
                ? c.integerPerBlock("transformer_layers_per_block", n)[0] : 1;
        return new UNetConfig(c.integer("in_channels", 4), c.integer("out_channels", 4), channels, down, up,
                c.positive("layers_per_block"), heads, c.positive("cross_attention_dim"), groups,
                c.number("norm_eps", 1e-5), c.bool("use_linear_projection", false),
                c.bool("upcast_attention", false), c.bool("flip_sin_to_cos", true), c.integer("freq_shift", 0),
                c.integer("downsample_padding", 1), c.number("mid_block_scale_factor", 1.0), transformerLayers);
    }

    private static void check(Path file, boolean ok, String what) {
        if (!ok) {
            throw new ModelFormatException("Config " + file + ": " + what + ".");
        }
    }

    /** Channels of the time embedding: 4 × the first block's channels. */
    public int timeEmbedDim() {
        return blockOutChannels[0] * 4;
    }
}
