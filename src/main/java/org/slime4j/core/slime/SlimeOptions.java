package org.slime4j.core.slime;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a SLiMe run can be told that changes its result. Each field is described once in {@link SlimeOption}
 * (key, default, allowed range, help, CLI flag), in the order of the record's components; {@link #defaults()} are
 * the reference's. Immutable; change fields with {@link #with}: {@code SlimeOptions.defaults().with(EPOCHS, 3)}.
 * Every field is stored in and restored from a {@code .slime} file ({@link OptionsMetadata}).
 *
 * @param workingSize     S, the side the image (or each tile) is resized to; 512 for SD 1.x/2.x
 * @param crossLayers     module paths whose cross-attention scores make the part maps
 * @param selfLayers      module paths whose self-attention scores make the self map
 * @param trainTMin       smallest diffusion step drawn in training (inclusive)
 * @param trainTMax       largest diffusion step drawn in training (inclusive)
 * @param testT           diffusion step of segmentation
 * @param learningRate    Adam's lr on the learned vectors
 * @param sdLossCoef      weight of the noise-prediction loss
 * @param selfAttentionLossCoef weight of the WAS-map loss
 * @param guidanceScale   classifier-free guidance in the noise-prediction loss
 * @param epochs          passes over the training pairs
 * @param patchThreshold  parts whose cross map peaks below this are dropped from a crop
 * @param patchesPerSide  n: segmentation runs n×n crops
 * @param patchSize       P: side of a crop in working pixels (0: S)
 * @param augment         flip/blur/crop/rotate training samples as the reference does
 * @param minCropRatio    smallest crop side, as a fraction of S
 * @param seed            seed of every random draw of a run
 */
public record SlimeOptions(int workingSize, List<String> crossLayers, List<String> selfLayers, int trainTMin,
                           int trainTMax, int testT, double learningRate, double sdLossCoef,
                           double selfAttentionLossCoef, double guidanceScale, int epochs, double patchThreshold,
                           int patchesPerSide, int patchSize, boolean augment, double minCropRatio, long seed) {
    public static final List<String> DEFAULT_CROSS_LAYERS = List.of(
            "up_blocks.1.attentions.0.transformer_blocks.0.attn2",
            "up_blocks.1.attentions.1.transformer_blocks.0.attn2",
            "up_blocks.1.attentions.2.transformer_blocks.0.attn2",
            "up_blocks.2.attentions.0.transformer_blocks.0.attn2",
            "up_blocks.2.attentions.1.transformer_blocks.0.attn2");
    public static final List<String> DEFAULT_SELF_LAYERS = List.of(
            "up_blocks.3.attentions.0.transformer_blocks.0.attn1",
            "up_blocks.3.attentions.1.transformer_blocks.0.attn1",
            "up_blocks.3.attentions.2.transformer_blocks.0.attn1");

    public SlimeOptions {
        crossLayers = List.copyOf(crossLayers);
        selfLayers = List.copyOf(selfLayers);
        Object[] values = {workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                           sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide,
                           patchSize, augment, minCropRatio, seed};
        for (SlimeOption o : SlimeOption.values()) {
            o.coerce(values[o.ordinal()]);                                   // each field's range, from the table
        }
        if (trainTMin > trainTMax) {
            throw new IllegalArgumentException("train t range " + trainTMin + ".." + trainTMax + " is empty");
        }
        if (patchSize > workingSize) {
            throw new IllegalArgumentException("patch_size must be in 0.." + workingSize + " (the working size), "
                    + "got " + patchSize);
        }
    }

    /** The reference's defaults (its README's one-crop segmentation: n = 1, P = S), from {@link SlimeOption}. */
    public static SlimeOptions defaults() {
        Map<SlimeOption, Object> values = new EnumMap<>(SlimeOption.class);
        for (SlimeOption o : SlimeOption.values()) {
            values.put(o, o.defaultValue());
        }
        return of(values);
    }

    /** These options with {@code option} set to {@code value} (any number type; checked). */
    public SlimeOptions with(SlimeOption option, Object value) {
        return with(Map.of(option, value));
    }

    /** These options with every given one changed at once (so that coupled bounds change together). */
    public SlimeOptions with(Map<SlimeOption, ?> changes) {
        Map<SlimeOption, Object> values = toMap();
        changes.forEach((o, v) -> values.put(o, o.coerce(v)));
        return of(values);
    }

    /** Every option's value, in the table's order. */
    public Map<SlimeOption, Object> toMap() {
        Map<SlimeOption, Object> values = new EnumMap<>(SlimeOption.class);
        for (SlimeOption o : SlimeOption.values()) {
            values.put(o, o.of(this));
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static SlimeOptions of(Map<SlimeOption, Object> v) {
        return new SlimeOptions((int) v.get(SlimeOption.WORKING_SIZE), (List<String>) v.get(SlimeOption.CROSS_LAYERS),
                (List<String>) v.get(SlimeOption.SELF_LAYERS), (int) v.get(SlimeOption.TRAIN_T_MIN),
                (int) v.get(SlimeOption.TRAIN_T_MAX), (int) v.get(SlimeOption.TEST_T),
                (double) v.get(SlimeOption.LEARNING_RATE), (double) v.get(SlimeOption.SD_LOSS_COEF),
                (double) v.get(SlimeOption.SELF_ATTENTION_LOSS_COEF), (double) v.get(SlimeOption.GUIDANCE_SCALE),
                (int) v.get(SlimeOption.EPOCHS), (double) v.get(SlimeOption.PATCH_THRESHOLD),
                (int) v.get(SlimeOption.PATCHES_PER_SIDE), (int) v.get(SlimeOption.PATCH_SIZE),
                (boolean) v.get(SlimeOption.AUGMENT), (double) v.get(SlimeOption.MIN_CROP_RATIO),
                (long) v.get(SlimeOption.SEED));
    }

    /** L = S / 8, the latent side. */
    public int latentSize() {
        return workingSize / 8;
    }

    public int effectivePatchSize() {
        return patchSize == 0 ? workingSize : patchSize;
    }
}
