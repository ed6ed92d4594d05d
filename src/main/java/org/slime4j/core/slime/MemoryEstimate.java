package org.slime4j.core.slime;

import java.io.IOException;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.engine.Precision;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.TensorInfo;

/**
 * The peak memory a training or a segmentation adds to the process (RAM on the CPU, GPU memory on a GPU), from the
 * model's size and S: the weights as they are held (the text encoder only while loading), libtorch and a share, and
 * activations that grow with the latent area {@code (S/8)²} (convolutions, scaled by the first block's channels)
 * and its square (the 64×64 attention scores, scaled by that block's heads), per crop in a pass. The constants are
 * fitted to peaks measured at SD-2.1-base size for S = 256 to 512 ({@code bench.MemoryBench}; figures and error in
 * the README), with attention slicing and with 4 crops per pass; slicing saves nothing measurable in training; fp16
 * halves the UNet's weights and a segmentation's activations (derived, not measured on a GPU).
 *
 * @param bytes   the peak in bytes
 * @param weights of which the weights held while the job runs
 */
public record MemoryEstimate(long bytes, long weights) {
    /** libtorch itself once loaded (its code and pools), bytes. */
    static final double LIBTORCH = 0.12e9;
    /** Segmentation: a constant share, bytes per latent pixel per 320 channels, per squared latent pixel per 5 heads. */
    static final double SEG_BASE = 0.049e9;
    static final double SEG_AREA = 96_050;
    static final double SEG_SQUARE = 39.07;
    /** With attention slicing, the layers SLiMe does not read keep less: the squared term times this. */
    static final double SEG_SLICED = 0.56;
    /** Training (autograd keeps the forward pass; validation segments each epoch): the same three. */
    static final double TRAIN_BASE = 0.295e9;
    static final double TRAIN_AREA = 284_400;
    static final double TRAIN_SQUARE = 229.2;

    /** What of a model the estimate needs: parameter counts, the first UNet block's channels and heads. */
    public record Shape(long textParams, long vaeEncoderParams, long unetParams, int channels, int heads) {
        /** Stable Diffusion 2.1 base (text encoder of 23 layers as diffusers ships it). */
        public static final Shape SD21_BASE = new Shape(340_387_840L, 34_163_664L, 865_910_724L, 320, 5);

        /** Read from a model folder: the safetensors headers (no weight is loaded) and the UNet's config. */
        public static Shape read(ModelFolder folder) throws IOException {
            UNetConfig unet = UNetConfig.read(folder.config("unet"));
            return new Shape(params(folder, "text_encoder", ""), params(folder, "vae", "encoder.")
                    + params(folder, "vae", "quant_conv."), params(folder, "unet", ""), unet.blockOutChannels()[0],
                    unet.heads()[0]);
        }

        private static long params(ModelFolder folder, String component, String prefix) throws IOException {
            long n = 0;
            try (SafeTensors st = SafeTensors.open(folder.weights(component))) {
                for (TensorInfo t : st.tensors().values()) {
                    if (t.name().startsWith(prefix)) {
                        n += t.elementCount();
                    }
                }
            }
            return n;
        }
    }

    /** A training at working size {@code s} (always fp32; validation segments the training images each epoch). */
    public static MemoryEstimate training(Shape shape, int s, Execution execution) {
        long weights = 4 * (shape.vaeEncoderParams() + shape.unetParams());
        double job = LIBTORCH + TRAIN_BASE + weights + activations(shape, s, TRAIN_AREA, TRAIN_SQUARE);
        return new MemoryEstimate(Math.round(Math.max(job, loading(shape, Precision.FP32))), weights);
    }

    /** A segmentation at working size {@code s}, {@code cropsPerPass} crops (or tiles) in each UNet pass. */
    public static MemoryEstimate segmentation(Shape shape, int s, Execution execution, int cropsPerPass) {
        boolean half = execution.precision() == Precision.FP16;
        long weights = 4 * shape.vaeEncoderParams() + (half ? 2 : 4) * shape.unetParams();
        double square = execution.attentionSlice() > 0 ? SEG_SLICED * SEG_SQUARE : SEG_SQUARE;
        double job = LIBTORCH + SEG_BASE + weights + cropsPerPass * (half ? 0.5 : 1) * activations(shape, s, SEG_AREA,
                square);
        return new MemoryEstimate(Math.round(Math.max(job, loading(shape, execution.precision()))), weights);
    }

    /** While loading, the text encoder is held too (it is released once the prompts are encoded). */
    private static double loading(Shape shape, Precision precision) {
        return LIBTORCH + 4 * (shape.textParams() + shape.vaeEncoderParams())
                + (precision == Precision.FP16 ? 2 : 4) * shape.unetParams();
    }

    private static double activations(Shape shape, int s, double area, double square) {
        double latent = (s / 8.0) * (s / 8.0);
        return area * latent * shape.channels() / 320.0 + square * latent * latent * shape.heads() / 5.0;
    }
}
