package org.slime4j.core.slime;

import java.util.List;

/**
 * Everything a SLiMe run can be told that changes its result, with the reference's defaults ({@link #defaults()},
 * the one place of each default). Immutable; change one field with its {@code with...} method:
 * {@code SlimeOptions.defaults().withEpochs(3).withSeed(7)}. Every field is stored in and restored from a
 * {@code .slime} file ({@link OptionsMetadata}).
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
        check(workingSize >= 8 && workingSize % 8 == 0, "working size must be a positive multiple of 8, got "
                + workingSize);
        check(!crossLayers.isEmpty() && !selfLayers.isEmpty(), "at least one cross and one self layer are needed");
        check(0 <= trainTMin && trainTMin <= trainTMax, "train t range " + trainTMin + ".." + trainTMax + " is empty");
        check(testT >= 0, "test t must be >= 0, got " + testT);
        check(learningRate > 0, "learning rate must be positive, got " + learningRate);
        check(epochs >= 0, "epochs must be >= 0, got " + epochs);
        check(patchesPerSide >= 1, "patches per side must be >= 1, got " + patchesPerSide);
        check(patchSize >= 0 && patchSize <= workingSize, "patch size must be in 0.." + workingSize + ", got "
                + patchSize);
        check(minCropRatio > 0 && minCropRatio <= 1, "min crop ratio must be in (0, 1], got " + minCropRatio);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The reference's defaults (its README's one-crop segmentation: n = 1, P = S). */
    public static SlimeOptions defaults() {
        return new SlimeOptions(512, DEFAULT_CROSS_LAYERS, DEFAULT_SELF_LAYERS, 5, 100, 100, 0.1, 0.005, 1.0, 100,
                200, 0.2, 1, 0, true, 0.8, 42);
    }

    /** L = S / 8, the latent side. */
    public int latentSize() {
        return workingSize / 8;
    }

    public int effectivePatchSize() {
        return patchSize == 0 ? workingSize : patchSize;
    }

    public SlimeOptions withWorkingSize(int v) {
        return new SlimeOptions(v, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withCrossLayers(List<String> v) {
        return new SlimeOptions(workingSize, v, selfLayers, trainTMin, trainTMax, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withSelfLayers(List<String> v) {
        return new SlimeOptions(workingSize, crossLayers, v, trainTMin, trainTMax, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withTrainTMin(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, v, trainTMax, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withTrainTMax(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, v, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    /** Both ends of the training step range at once (each wither alone may cross the other end). */
    public SlimeOptions withTrainTRange(int min, int max) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, min, max, testT, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withTestT(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, v, learningRate, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withLearningRate(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, v, sdLossCoef,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withSdLossCoef(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate, v,
                selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withSelfAttentionLossCoef(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, v, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, augment, minCropRatio,
                seed);
    }

    public SlimeOptions withGuidanceScale(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, v, epochs, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withEpochs(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, v, patchThreshold, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withPatchThreshold(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, v, patchesPerSide, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withPatchesPerSide(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, v, patchSize, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withPatchSize(int v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, v, augment,
                minCropRatio, seed);
    }

    public SlimeOptions withAugment(boolean v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize, v,
                minCropRatio, seed);
    }

    public SlimeOptions withMinCropRatio(double v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize,
                augment, v, seed);
    }

    public SlimeOptions withSeed(long v) {
        return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide, patchSize,
                augment, minCropRatio, v);
    }
}
