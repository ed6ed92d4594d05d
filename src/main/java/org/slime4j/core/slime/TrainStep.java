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
        return run(sd, text, o, image, null, mask, t, vaeEps, noise, vectors, trace);
    }

    /** As above; an image with a key has its VAE moments kept in {@code kept} (the same pixels every epoch). */
    static OnDevice run(StableDiffusion sd, TextContext text, SlimeOptions o, NDArray image, Kept kept, int[] mask,
                        int t, NDArray vaeEps, NDArray noise, NDArray vectors, Trace trace) {
        int k = text.parts();
        int l = o.latentSize();
        checkMask(mask, l, k);
        OnDevice result;
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray squeezed = Resize.bilinear(m, image, o.workingSize(), o.workingSize()); // [1, 3, S, S]
            NDArray latents = kept == null ? sd.vae().encodeImages(squeezed, vaeEps)
                    : kept.encodings().sample(List.of(List.of(kept.key())), squeezed, vaeEps); // [1, 4, L, L]
            NDArray noisy = sd.schedule().addNoise(latents, noise, t);           // [1, 4, L, L]
            List<NDArray> learned = leaves(m, vectors, text.width());            // K-1 × [1, D]
            Targets targets = Targets.of(m, mask, k, l, o);
            // The unconditional item only feeds the noise loss and never depends on the vectors: it runs on its own,
            // without a graph or captured scores (the reference runs both items as one batch; same numbers).
            NDArray uncond = text.uncond(m);                                     // [1, 77, D]
            NDArray eu = sd.unet().forward(noisy, t, uncond, AttentionCapture.NONE); // [1, 4, L, L]
            uncond.close();
            Losses losses;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray context = text.text(m, learned);                         // [1, 77, D]
                CapturedScores scores = new CapturedScores(o.crossLayers(), o.selfLayers());
                NDArray et = sd.unet().forward(noisy, t, context, scores);       // [1, 4, L, L]
                losses = losses(m, o, scores, targets, eu, et, noise, trace);
                gc.backward(losses.loss());
                trace.put("train.latents", () -> floats(latents));
                trace.put("train.noise_pred_both", () -> floats(eu.concat(et, 0)));
            }
            result = new OnDevice(losses.loss1().getFloat(), losses.loss2().getFloat(), losses.sdLoss().getFloat(),
                    losses.loss().getFloat(), gradients(learned, vectors.getManager()));
        }
        return result;
    }

    /** Where an unchanging training image's VAE moments are kept, and its key there. */
    record Kept(Encodings encodings, Object key) {
    }

    /** Each learned vector as a [1, D] leaf of its own, differentiated, in {@code m}. */
    private static List<NDArray> leaves(NDManager m, NDArray vectors, int width) {
        List<NDArray> learned = new ArrayList<>();
        for (int i = 0; i < vectors.getShape().get(0); i++) {
            try (NDArray row = vectors.get(i)) {
                NDArray leaf = row.reshape(1, width).duplicate();                 // [1, D], a leaf of its own
                leaf.attach(m);
                leaf.setRequiresGradient(true);
                learned.add(leaf);
            }
        }
        return learned;
    }

    /**
     * What a step's losses compare with and weigh by, in the step's manager (constants are arrays that live until
     * after the backward pass): the one-hot mask [K, L, L], each pixel's class weight [L, L] and their sum, K, and
     * the guidance scale and loss coefficients.
     */
    private record Targets(NDArray oneHot, NDArray pixelWeight, NDArray weightTotal, NDArray parts, NDArray guidance,
                           NDArray sdCoef, NDArray saCoef) {
        static Targets of(NDManager m, int[] mask, int k, int l, SlimeOptions o) {
            float[] weights = pixelWeights(mask, k);
            float[] perPixel = new float[mask.length];
            float weightSum = 0;
            for (int i = 0; i < mask.length; i++) {
                perPixel[i] = weights[mask[i]];
                weightSum += perPixel[i];
            }
            return new Targets(Owned.copy(m.create(TrainStep.oneHot(mask, k), new Shape(k, l, l))), // [K, L, L]
                    Owned.copy(m.create(perPixel, new Shape(l, l))),                            // [L, L]
                    Nn.constant(m, weightSum), Nn.constant(m, k), Nn.constant(m, o.guidanceScale()),
                    Nn.constant(m, o.sdLossCoef()), Nn.constant(m, o.selfAttentionLossCoef()));
        }
    }

    /** The three losses and their weighted sum, on the graph. */
    private record Losses(NDArray loss1, NDArray loss2, NDArray sdLoss, NDArray loss) {
    }

    /**
     * The reference's losses from the captured maps: weighted cross-entropy of the cross maps, the WAS maps' MSE × K,
     * and the guided noise prediction's MSE; the total loss1 + sd_coef · sdLoss + sa_coef · loss2.
     */
    private static Losses losses(NDManager m, SlimeOptions o, CapturedScores scores, Targets g, NDArray eu,
                                 NDArray et, NDArray noise, Trace trace) {
        int k = (int) g.oneHot().getShape().get(0);
        int l = o.latentSize();
        List<NDArray> cross = new ArrayList<>();
        for (String path : o.crossLayers()) {
            NDArray c = AttentionMaps.crossLayer(m, scores.get(path), k, l, false); // [K, L, L]
            cross.add(c);
            trace.put("train.layer_cross." + path, () -> floats(c));
        }
        List<NDArray> self = new ArrayList<>();
        for (String path : o.selfLayers()) {
            NDArray s = AttentionMaps.selfLayer(m, scores.get(path), l);         // [Q, L, L]
            self.add(s);
            trace.put("train.layer_self." + path, () -> floats(s));
        }
        NDArray logits = AttentionMaps.layerMean(cross);                         // [K, L, L]
        NDArray selfMap = AttentionMaps.layerMean(self);                         // [Q, L, L]
        NDArray logp = logits.logSoftmax(0);                                     // [K, L, L]
        NDArray picked = logp.mul(g.oneHot()).sum(new int[] {0});                // [L, L]
        NDArray loss1 = picked.mul(g.pixelWeight()).sum().neg().div(g.weightTotal()); // weighted-mean cross-entropy
        NDArray probs = logits.softmax(0);                                       // [K, L, L]
        NDArray was = AttentionMaps.was(probs.reshape(k, (long) l * l), selfMap); // [K, L, L]
        NDArray loss2 = was.sub(g.oneHot()).square().mean().mul(g.parts());     // MSE × K
        NDArray guided = eu.add(et.sub(eu).mul(g.guidance()));
        NDArray sdLoss = guided.sub(noise).square().mean();
        NDArray loss = loss1.add(sdLoss.mul(g.sdCoef())).add(loss2.mul(g.saCoef()));
        trace.put("train.cross_logits", () -> floats(logits));
        trace.put("train.cross_softmax", () -> floats(probs));
        trace.put("train.self_attention", () -> floats(selfMap));
        trace.put("train.was", () -> floats(was));
        return new Losses(loss1, loss2, sdLoss, loss);
    }

    /** d loss / d vector_i, [K-1, D], concatenated on the device and given to {@code owner}. */
    private static NDArray gradients(List<NDArray> learned, NDManager owner) {
        NDList grads = new NDList();
        for (NDArray leaf : learned) {
            grads.add(leaf.getGradient());                                       // [1, D] each
        }
        NDArray gradients = NDArrays.concat(grads, 0);                           // [K-1, D], stays on the device
        gradients.attach(owner);
        grads.close();
        return gradients;
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
