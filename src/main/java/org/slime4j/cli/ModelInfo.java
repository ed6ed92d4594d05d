package org.slime4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.unet.AttentionCapture;

/** {@code slime info}: what a model folder holds, and the time of one UNet pass. */
final class ModelInfo {
    private ModelInfo() {
    }

    static void print(Path model, Execution execution, int latent) throws Exception {
        long t0 = System.nanoTime();
        try (StableDiffusion sd = StableDiffusion.load(model, execution)) {
            long t1 = System.nanoTime();
            UNetConfig u = sd.unet().config();
            System.out.printf("model      %s%n", sd.folder().root());
            System.out.printf("device     %s%n", sd.manager().getDevice());
            System.out.printf("text       %d layers, width %d, %s%n", sd.textEncoder().config().numHiddenLayers(),
                    sd.textEncoder().config().hiddenSize(), sd.textEncoder().config().hiddenAct());
            System.out.printf("unet       channels %s, heads %s, %s projection, context %d%n",
                    Arrays.toString(u.blockOutChannels()), Arrays.toString(u.heads()),
                    u.useLinearProjection() ? "linear" : "conv", u.crossAttentionDim());
            System.out.printf("vae        channels %s, scaling %.5f%n",
                    Arrays.toString(sd.vae().config().blockOutChannels()), sd.vae().config().scalingFactor());
            for (Map.Entry<String, Set<String>> e : sd.unusedWeights().entrySet()) {
                System.out.printf("unused     %s: %d tensors%n", e.getKey(), e.getValue().size());
            }
            try (NDManager step = sd.manager().newSubManager()) {
                NDArray x = step.randomNormal(new Shape(2, u.inChannels(), latent, latent));
                NDArray ctx = step.randomNormal(new Shape(2, sd.tokenizer().length(), u.crossAttentionDim()));
                long t2 = System.nanoTime();
                NDArray y = sd.unet().forward(x, 50, ctx, AttentionCapture.NONE);
                y.toFloatArray();
                long t3 = System.nanoTime();
                System.out.printf("load       %.2f s (with engine start-up)%n", (t1 - t0) / 1e9);
                System.out.printf("unet       one forward pass, batch 2, %dx%d latents%s: %.3f s%n", latent, latent,
                        execution.attentionSlice() > 0 ? ", attention slice " + execution.attentionSlice() : "",
                        (t3 - t2) / 1e9);
            }
        }
    }
}
