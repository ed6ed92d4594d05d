package org.slime4j.core.unet;

import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.weights.WeightStore;

/**
 * What every UNet block takes from the config (and the attention slice the model was opened with), gathered once so
 * the block constructors stay short.
 */
record UNetBlockSettings(int tembChannels, int groups, double eps, int downsamplePadding, int crossDim,
                         boolean linearProjection, int transformerLayers, int attentionSlice) {
    static UNetBlockSettings of(UNetConfig c, int attentionSlice) {
        return new UNetBlockSettings(c.timeEmbedDim(), c.normNumGroups(), c.normEps(), c.downsamplePadding(),
                c.crossAttentionDim(), c.useLinearProjection(), c.transformerLayersPerBlock(), attentionSlice);
    }

    Transformer2DModel transformer(WeightStore w, String prefix, int channels, int heads) {
        return new Transformer2DModel(w, prefix, channels, heads, crossDim, groups, linearProjection,
                transformerLayers, attentionSlice);
    }
}
