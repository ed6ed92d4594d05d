package org.slime4j.core.slime;

import java.util.List;

/**
 * Everything a SLiMe run can be told, with the reference's defaults ({@link #defaults()}). Immutable; change one
 * field with the {@code with...} methods.
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

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields of a copy: {@code SlimeOptions.defaults().toBuilder().epochs(3).build()}. */
    public static final class Builder {
        private int workingSize;
        private List<String> crossLayers;
        private List<String> selfLayers;
        private int trainTMin;
        private int trainTMax;
        private int testT;
        private double learningRate;
        private double sdLossCoef;
        private double selfAttentionLossCoef;
        private double guidanceScale;
        private int epochs;
        private double patchThreshold;
        private int patchesPerSide;
        private int patchSize;
        private boolean augment;
        private double minCropRatio;
        private long seed;

        private Builder(SlimeOptions o) {
            workingSize = o.workingSize;
            crossLayers = o.crossLayers;
            selfLayers = o.selfLayers;
            trainTMin = o.trainTMin;
            trainTMax = o.trainTMax;
            testT = o.testT;
            learningRate = o.learningRate;
            sdLossCoef = o.sdLossCoef;
            selfAttentionLossCoef = o.selfAttentionLossCoef;
            guidanceScale = o.guidanceScale;
            epochs = o.epochs;
            patchThreshold = o.patchThreshold;
            patchesPerSide = o.patchesPerSide;
            patchSize = o.patchSize;
            augment = o.augment;
            minCropRatio = o.minCropRatio;
            seed = o.seed;
        }

        public Builder workingSize(int v) {
            workingSize = v;
            return this;
        }

        public Builder layers(List<String> cross, List<String> self) {
            crossLayers = cross;
            selfLayers = self;
            return this;
        }

        public Builder timesteps(int trainMin, int trainMax, int test) {
            trainTMin = trainMin;
            trainTMax = trainMax;
            testT = test;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder lossCoefficients(double sd, double selfAttention, double guidance) {
            sdLossCoef = sd;
            selfAttentionLossCoef = selfAttention;
            guidanceScale = guidance;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder patches(int perSide, int size, double threshold) {
            patchesPerSide = perSide;
            patchSize = size;
            patchThreshold = threshold;
            return this;
        }

        public Builder augment(boolean on, double minCrop) {
            augment = on;
            minCropRatio = minCrop;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public SlimeOptions build() {
            return new SlimeOptions(workingSize, crossLayers, selfLayers, trainTMin, trainTMax, testT, learningRate,
                    sdLossCoef, selfAttentionLossCoef, guidanceScale, epochs, patchThreshold, patchesPerSide,
                    patchSize, augment, minCropRatio, seed);
        }
    }
}
