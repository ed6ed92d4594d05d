package org.slime4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slime4j.core.StableDiffusion;
import org.slime4j.core.config.UNetConfig;
import org.slime4j.core.model.DeviceChoice;
import org.slime4j.core.unet.AttentionCapture;
import org.slime4j.core.weights.ModelFormatException;

/**
 * Command-line entry point. {@code info --model DIR [--device cpu|gpu|auto] [--latent N]} loads a Stable Diffusion folder,
 * prints what it found and times one UNet forward pass on N×N latents (default 8). Exit codes: 0 done, 1 failed, 2 bad usage.
 */
public final class SlimeCli {
    private SlimeCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || !args[0].equals("info")) {
            System.err.println("usage: slime info --model DIR [--device cpu|gpu|auto] [--latent N]");
            return 2;
        }
        Path model = null;
        DeviceChoice device = DeviceChoice.AUTO;
        int latent = 8;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--model" -> model = Path.of(args[++i]);
                    case "--device" -> device = DeviceChoice.parse(args[++i]);
                    case "--latent" -> latent = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (model == null) {
                throw new IllegalArgumentException("--model DIR is required");
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("slime: " + (e instanceof ArrayIndexOutOfBoundsException ? "an option lacks its value"
                    : e.getMessage()));
            return 2;
        }
        try {
            info(model, device, latent);
            return 0;
        } catch (ModelFormatException e) {
            System.err.println("slime: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("slime: " + e);
            return 1;
        }
    }

    private static void info(Path model, DeviceChoice device, int latent) throws Exception {
        long t0 = System.nanoTime();
        try (StableDiffusion sd = StableDiffusion.load(model, device)) {
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
                System.out.printf("unet       one forward pass, batch 2, %dx%d latents: %.3f s%n", latent, latent,
                        (t3 - t2) / 1e9);
            }
        }
    }
}
