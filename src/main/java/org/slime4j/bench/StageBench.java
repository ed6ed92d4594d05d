package org.slime4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.AttentionMaps;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.TrainStep;
import org.slime4j.core.unet.AttentionCapture;
import org.slime4j.core.unet.CapturedScores;

/**
 * Seconds per stage of a training step at SD-2.1 size, S = 512: VAE encoding, a UNet pass without graph or capture,
 * with the SLiMe layers captured, the map processing, then the production {@link TrainStep} (autograd forward with
 * maps, backward to the context), and what it spends beyond those forward stages. Each stage twice, the second
 * reported.
 *
 * <pre>mvn -q compile exec:java -Dexec.mainClass=org.slime4j.bench.StageBench -Dexec.args="../shared/fixtures/tiny-sd1/tokenizer"</pre>
 */
public final class StageBench {
    private StageBench() {
    }

    public static void main(String[] args) throws Exception {
        try (StableDiffusion sd = SlimeBench.sd21(Path.of(args[0]), Execution.on(DeviceChoice.CPU))) {
            SlimeOptions o = SlimeOptions.defaults();
            int l = o.latentSize();
            TextContext text = TextContext.encode(sd, 3, null);
            sd.releaseTextEncoder();
            for (int round = 1; round <= 2; round++) {
                try (NDManager m = sd.manager().newSubManager()) {
                    NDArray image = m.randomUniform(0, 1, new Shape(1, 3, 512, 512));
                    NDArray eps = m.randomNormal(new Shape(1, 4, l, l));
                    long t0 = System.nanoTime();
                    NDArray latents = sd.vae().encodeImages(image, eps);
                    long t1 = System.nanoTime();
                    NDArray uncond = text.uncond(m);
                    sd.unet().forward(latents, 50, uncond, AttentionCapture.NONE).close();
                    long t2 = System.nanoTime();
                    List<NDArray> vectors = new ArrayList<>();
                    for (float[] v : text.initialVectors()) {
                        vectors.add(Owned.copy(m.create(v, new Shape(1, v.length))));
                    }
                    CapturedScores scores = new CapturedScores(o.crossLayers(), o.selfLayers());
                    sd.unet().forward(latents, 50, text.text(m, vectors), scores).close();
                    long t3 = System.nanoTime();
                    maps(m, o, scores, l).close();
                    long t4 = System.nanoTime();
                    int[] mask = new int[l * l];
                    for (int i = 0; i < mask.length; i++) {
                        mask[i] = (i % l) * 3 / l;
                    }
                    NDArray noise = m.randomNormal(new Shape(1, 4, l, l));
                    TrainStep.run(sd, text, o, image, mask, 50, eps, noise, text.initialVectors(), Trace.NONE);
                    long t5 = System.nanoTime();                        // the production step, as training runs it
                    double step = (t5 - t4) / 1e9;
                    double forward = (t1 - t0 + t2 - t1 + t3 - t2 + t4 - t3) / 1e9;
                    System.out.printf("round %d: VAE %.1f s, UNet pass (no graph, no capture) %.1f s, with %d layers "
                                    + "captured %.1f s, maps %.1f s; TrainStep %.1f s, of which graph and backward "
                                    + "%.1f s beyond those forward stages, peak RSS %.2f GB%n", round, (t1 - t0) / 1e9,
                            (t2 - t1) / 1e9, o.crossLayers().size() + o.selfLayers().size(), (t3 - t2) / 1e9,
                            (t4 - t3) / 1e9, step, step - forward, SlimeBench.peakGb());
                }
            }
        }
    }

    /** The cross and self maps and their WAS product, as a training step computes them. */
    private static NDArray maps(NDManager m, SlimeOptions o, CapturedScores scores, int l) {
        List<NDArray> cross = new ArrayList<>();
        for (String p : o.crossLayers()) {
            cross.add(AttentionMaps.crossLayer(m, scores.get(p), 3, l, false));
        }
        List<NDArray> self = new ArrayList<>();
        for (String p : o.selfLayers()) {
            self.add(AttentionMaps.selfLayer(m, scores.get(p), l));
        }
        NDArray logits = AttentionMaps.layerMean(cross);
        NDArray probs = logits.softmax(0);
        return AttentionMaps.was(probs.reshape(3, (long) l * l), AttentionMaps.layerMean(self));
    }
}
