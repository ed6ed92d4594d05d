package org.slime4j.core.config;

import java.nio.file.Path;
import java.util.List;
import org.slime4j.core.weights.ModelFormatException;

/** The VAE's {@code vae/config.json} (diffusers {@code AutoencoderKL}); the encoder half is what SLiMe uses. */
public record VaeConfig(int inChannels, int latentChannels, int[] blockOutChannels, int layersPerBlock,
                        int normNumGroups, double scalingFactor) {
    public static VaeConfig read(Path file) {
        JsonConfig c = JsonConfig.read(file);
        int[] channels = c.integers("block_out_channels");
        if (c.has("down_block_types")) {
            List<String> types = c.strings("down_block_types");
            for (String t : types) {
                if (!t.equals("DownEncoderBlock2D")) {
                    throw new ModelFormatException("Config " + file + ": down block type '" + t
                            + "' is not supported (expected DownEncoderBlock2D).");
                }
            }
            if (types.size() != channels.length) {
                throw new ModelFormatException("Config " + file + ": " + types.size()
                        + " down_block_types but " + channels.length + " block_out_channels.");
            }
        }
        int groups = c.integer("norm_num_groups", 32);
        for (int ch : channels) {
            if (ch <= 0 || ch % groups != 0) {
                throw new ModelFormatException("Config " + file + ": block_out_channels " + ch
                        + " is not a positive multiple of norm_num_groups " + groups + ".");
            }
        }
        return new VaeConfig(c.integer("in_channels", 3), c.integer("latent_channels", 4), channels,
                c.integer("layers_per_block", 2), groups, c.number("scaling_factor", 0.18215));
    }
}
