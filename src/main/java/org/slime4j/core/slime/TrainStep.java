package org.slime4j.core.slime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.Owned;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.engine.Engines;
import org.slime4j.core.nn.Nn;
import org.slime4j.core.unet.AttentionCapture;
import org.slime4j.core.unet.CapturedScores;

/**
 * One SLiMe training step as the reference's {@code train_step} + {@code training_step} compute it: losses and
 * their gradients with respect to the learned vectors (the Adam update is the caller's, {@link Adam}). Only the
 * text item is run under autograd and captured; the unconditional item, which only the noise loss uses, runs
 * separately without a graph: half the backward work and memory of the reference's batch of two.
 * Thread-compatible: one step at a time per JVM (DJL allows one gradient collector at once).
 */
public final class TrainStep {
    private TrainStep() {
    }

    /** Losses as floats and d loss / d vector_i, [K-1][D]. */
    public record Result(float loss1, float loss2, float sdLoss, float loss, float[][] gradients) {
    }

    /** Losses as floats (the progress shows them) and the gradients [K-1, D], left on the device. */
    public record OnDevice(float loss1, float loss2, float sdLoss, float loss, NDArray gradients) {
        /** With the gradients on the host (tests, checks). */
        public Result toHost() {
            return new Result(loss1, loss2, sdLoss, loss, Rows.toHost(gradients));
        }
    }

    /**
     * As {@link #run(StableDiffusion, TextContext, SlimeOptions, NDArray, int[], int, NDArray, NDArray, NDArray,
     * Trace)} with the vectors on the host and the gradients brought back.
     */
    public static Result run(StableDiffusion sd, TextContext text, SlimeOptions o, NDArray image, int[] mask, int t,
                             NDArray vaeEps, NDArray noise, float[][] vectors, Trace trace) {
        try (NDManager m = sd.manager().newSubManager()) {
            return run(sd, text, o, image, mask, t, vaeEps, noise, Rows.toDevice(m, vectors), trace).toHost();
        }
    }

    /**
     * @param image   RGB in [0, 1], [1, 3, H, W]; squeezed to S×S when it is not
     * @param mask    labels 0..K-1 at the latent size, L×L, row-major
     * @param vaeEps  N(0, 1) of the VAE sample [1, 4, L, L]
     * @param noise   N(0, 1) diffusion noise [1, 4, L, L]
     * @param vectors the K-1 learned vectors [K-1, D] on the device
     * @param trace   receives intermediate maps by golden name
     * @return the losses, and the gradients [K-1, D] in the vectors' manager
     */
    public static OnDevice run(StableDiffusion sd, TextContext text, SlimeOptions o, NDArray image, int[] mask, int t,
                               NDArray vaeEps, NDArray noise, NDArray vectors, Trace trace) {
        int k = text.parts();
        int l = o.latentSize();
        checkMask(mask, l, k);
        OnDevice result;
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray squeezed = Resize.bilinear(m, image, o.workingSize(), o.workingSize()); // [1, 3, S, S]
            NDArray latents = sd.vae().encodeImages(squeezed, vaeEps);           // [1, 4, L, L]
            NDArray noisy = sd.schedule().addNoise(latents, noise, t);           // [1, 4, L, L]
            List<NDArray> learned = new ArrayList<>();
            for (int i = 0; i < vectors.getShape().get(0); i++) {
                try (NDArray row = vectors.get(i)) {
                    NDArray leaf = row.reshape(1, text.width()).duplicate();        // [1, D], a leaf of its own
                    leaf.attach(m);
                    leaf.setRequiresGradient(true);
                    learned.add(leaf);
                }
            }
            float[] weights = pixelWeights(mask, k);
            NDArray oneHot = Owned.copy(m.create(oneHot(mask, k), new Shape(k, l, l))); // [K, L, L]
            float[] perPixel = new float[mask.length];
            float weightSum = 0;
            for (int i = 0; i < mask.length; i++) {
                perPixel[i] = weights[mask[i]];
                weightSum += perPixel[i];
            }
            NDArray pixelWeight = Owned.copy(m.create(perPixel, new Shape(l, l))); // [L, L]
            NDArray weightTotal = Nn.constant(m, weightSum);
            NDArray parts = Nn.constant(m, k);
            NDArray guidance = Nn.constant(m, o.guidanceScale());
            NDArray sdCoef = Nn.constant(m, o.sdLossCoef());
            NDArray saCoef = Nn.constant(m, o.selfAttentionLossCoef());
            NDArray loss1;
            NDArray loss2;
            NDArray sdLoss;
            NDArray loss;
            // The unconditional item only feeds the noise loss and never depends on the vectors: it runs on its own,
            // without a graph or captured scores (the reference runs both items as one batch; same numbers).
            NDArray uncond = text.uncond(m);                                     // [1, 77, D]
            NDArray eu = sd.unet().forward(noisy, t, uncond, AttentionCapture.NONE); // [1, 4, L, L]
            uncond.close();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray context = text.text(m, learned);                         // [1, 77, D]
                CapturedScores scores = new CapturedScores(o.crossLayers(), o.selfLayers());
                NDArray et = sd.unet().forward(noisy, t, context, scores);       // [1, 4, L, L]
                List<NDArray> cross = new ArrayList<>();
                for (String path : o.crossLayers()) {
                    NDArray c = AttentionMaps.crossLayer(m, scores.get(path), k, l, false); // [K, L, L]
                    cross.add(c);
                    trace.put("train.layer_cross." + path, () -> floats(c));
                }
                List<NDArray> self = new ArrayList<>();
                for (String path : o.selfLayers()) {
                    NDArray s = AttentionMaps.selfLayer(m, scores.get(path), l); // [Q, L, L]
                    self.add(s);
                    trace.put("train.layer_self." + path, () -> floats(s));
                }
                NDArray logits = AttentionMaps.layerMean(cross);                 // [K, L, L]
                NDArray selfMap = AttentionMaps.layerMean(self);                 // [Q, L, L]
                NDArray logp = logits.logSoftmax(0);                             // [K, L, L]
                NDArray picked = logp.mul(oneHot).sum(new int[] {0});            // [L, L]
                loss1 = picked.mul(pixelWeight).sum().neg().div(weightTotal);   // weighted-mean cross-entropy
                NDArray probs = logits.softmax(0);                               // [K, L, L]
                NDArray was = AttentionMaps.was(probs.reshape(k, (long) l * l), selfMap); // [K, L, L]
                loss2 = was.sub(oneHot).square().mean().mul(parts);              // MSE × K
                NDArray guided = eu.add(et.sub(eu).mul(guidance));
                sdLoss = guided.sub(noise).square().mean();
                loss = loss1.add(sdLoss.mul(sdCoef)).add(loss2.mul(saCoef));
                gc.backward(loss);
                trace.put("train.cross_logits", () -> floats(logits));
                trace.put("train.cross_softmax", () -> floats(probs));
                trace.put("train.self_attention", () -> floats(selfMap));
                trace.put("train.was", () -> floats(was));
                trace.put("train.latents", () -> floats(latents));
                trace.put("train.noise_pred_both", () -> floats(eu.concat(et, 0)));
            }
            NDList grads = new NDList();
            for (NDArray leaf : learned) {
                grads.add(leaf.getGradient());                                   // [1, D] each
            }
            NDArray gradients = NDArrays.concat(grads, 0);                       // [K-1, D], stays on the device
            gradients.attach(vectors.getManager());
            grads.close();
            result = new OnDevice(loss1.getFloat(), loss2.getFloat(), sdLoss.getFloat(), loss.getFloat(), gradients);
        }
        Engines.trim();                                  // the step's freed buffers go back before the next peak
        return result;
    }

    /** The values of a map of the graph, detached (the copy belongs to the step's manager). */
    private static float[] floats(NDArray x) {
        return x.stopGradient().toFloatArray();
    }

    /** The reference's class weights: w_k = Σn / (n_k + 1e-6) for present parts, 0 for absent, w_0 = 1. */
    static float[] pixelWeights(int[] mask, int parts) {
        long[] counts = new long[parts];
        for (int v : mask) {
            counts[v]++;
        }
        counts[0] = 0;
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        float[] w = new float[parts];
        for (int i = 1; i < parts; i++) {
            w[i] = counts[i] > 0 ? (float) sum / ((float) counts[i] + 1e-6f) : 0f;
        }
        w[0] = 1f;
        return w;
    }

    static float[] oneHot(int[] mask, int parts) {
        float[] out = new float[parts * mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[mask[i] * mask.length + i] = 1f;
        }
        return out;
    }

    static void checkMask(int[] mask, int size, int parts) {
        if (mask.length != size * size) {
            throw new IllegalArgumentException("training mask has " + mask.length + " labels, expected " + size
                    + "×" + size + " (the latent size)");
        }
        for (int v : mask) {
            if (v < 0 || v >= parts) {
                throw new IllegalArgumentException("training mask has label " + v + ", expected 0.." + (parts - 1));
            }
        }
    }
}
