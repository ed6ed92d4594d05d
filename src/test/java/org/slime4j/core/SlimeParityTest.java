package org.slime4j.core;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.Adam;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.Rows;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.TrainStep;
import org.slime4j.core.weights.SafeTensors;

/**
 * One training step, one Adam step and one segmentation against the reference's golden tensors: losses and maps
 * within 1e-4 relative, gradients within 1e-3, label masks exact where the reference's decision is clear (the
 * training check mask, which has no reference scores, exact).
 */
class SlimeParityTest {
    private static final double TOL = 1e-4;
    private static StableDiffusion sd;
    private static SafeTensors golden;
    private static SlimeOptions options;
    private static TextContext text;

    @BeforeAll
    static void load() throws Exception {
        golden = Fixture.golden();
        sd = StableDiffusion.load(Fixture.require(), DeviceChoice.CPU);
        options = GoldenConfig.options(golden);
        text = TextContext.encode(sd, GoldenConfig.meta(golden, "K"), null);
    }

    @AfterAll
    static void close() throws Exception {
        if (sd != null) {
            sd.close();
        }
        if (golden != null) {
            golden.close();
        }
    }

    private static float[] g(String name) throws Exception {
        return golden.readFloats(name);
    }

    private static int[] ints(String name) throws Exception {
        long[] v = golden.readLongs(name);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    private static long[] shape(String name) {
        return golden.info(name).shape();
    }

    /** Half {@code half} of a golden per-layer map of both halves [2, ...]. */
    private static float[] halfOf(float[] both, int half) {
        int n = both.length / 2;
        return java.util.Arrays.copyOfRange(both, half * n, (half + 1) * n);
    }

    @Test
    void trainingStepAdamStepAndTheCheckSegmentation() throws Exception {
        int k = text.parts();
        float[][] vectors = text.initialVectors();
        for (int i = 0; i < k - 1; i++) {
            Fixture.assertClose("train.embedding_init." + i, vectors[i], g("train.embedding_init." + i), TOL);
        }
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray image = Fixture.array(m, golden, "input.image");
            int t = (int) golden.readLongs("train.t")[0];
            Map<String, float[]> trace = new HashMap<>();
            TrainStep.Result r = TrainStep.run(sd, text, options, image, ints("input.mask"), t,
                    Fixture.array(m, golden, "input.train_vae_eps"), Fixture.array(m, golden, "input.train_noise"),
                    vectors, Trace.into(trace));
            Fixture.assertClose("train.loss1", new float[] {r.loss1()}, g("train.loss1"), TOL);
            Fixture.assertClose("train.loss2", new float[] {r.loss2()}, g("train.loss2"), TOL);
            Fixture.assertClose("train.sd_loss", new float[] {r.sdLoss()}, g("train.sd_loss"), TOL);
            Fixture.assertClose("train.loss", new float[] {r.loss()}, g("train.loss"), TOL);
            for (String name : List.of("train.cross_logits", "train.cross_softmax", "train.self_attention",
                    "train.was", "train.latents", "train.noise_pred_both")) {
                Fixture.assertClose(name, trace.get(name), g(name), TOL);
            }
            for (String path : options.crossLayers()) {
                String name = "train.layer_cross." + path;
                Fixture.assertClose(name, trace.get(name), halfOf(g(name), 1), TOL);
            }
            for (String path : options.selfLayers()) {
                String name = "train.layer_self." + path;
                Fixture.assertClose(name, trace.get(name), g(name), TOL);
            }
            for (int i = 0; i < k - 1; i++) {
                Fixture.assertClose("train.grad." + i, r.gradients()[i], g("train.grad." + i), 1e-3);
            }
            long[] check = shape("train.check_final_mask");
            Recorded draws = new Recorded()
                    .normal(g("input.train_check_vae_eps"), shape("input.train_check_vae_eps"))
                    .normal(g("input.train_check_noise"), shape("input.train_check_noise"));
            Segmenter.Result checkMask = Segmenter.of(sd, text, vectors, options, m).segment(image, (int) check[0],
                    draws, Trace.NONE);
            draws.assertConsumed();
            assertArrayEquals(ints("train.check_final_mask"), checkMask.labels(), "train.check_final_mask");
            System.out.println("parity train.check_final_mask: exact");
            Adam adam = new Adam(m, options.learningRate(), k - 1, text.width());
            float[][] after = Rows.toHost(adam.step(Rows.toDevice(m, vectors), Rows.toDevice(m, r.gradients())));
            for (int i = 0; i < k - 1; i++) {
                Fixture.assertClose("train.embedding_after_adam." + i, after[i],
                        g("train.embedding_after_adam." + i), TOL);
            }
        }
    }

    @Test
    void segmentationWithTheEmbeddingsAfterAdam() throws Exception {
        int k = text.parts();
        float[][] vectors = new float[k - 1][];
        for (int i = 0; i < k - 1; i++) {
            vectors[i] = g("train.embedding_after_adam." + i);
        }
        try (NDManager m = sd.manager().newSubManager()) {
            List<NDArray> learned = new java.util.ArrayList<>();
            for (float[] v : vectors) {
                learned.add(m.create(v, new ai.djl.ndarray.types.Shape(1, v.length)));
            }
            Fixture.assertClose("infer.t_embedding", text.context(m, learned).toFloatArray(),
                    g("infer.t_embedding"), TOL);
            NDArray image = Fixture.array(m, golden, "input.image");
            Recorded draws = new Recorded()
                    .normal(g("input.infer_vae_eps"), shape("input.infer_vae_eps"))
                    .normal(g("input.infer_noise"), shape("input.infer_noise"));
            Map<String, float[]> trace = new HashMap<>();
            int size = (int) shape("infer.final_mask")[0];
            assertEquals(GoldenConfig.flag(GoldenConfig.markdown(), "test_mask_size"), size);
            Segmenter.Result r = Segmenter.of(sd, text, vectors, options, m).segment(image, size, draws,
                    Trace.into(trace));
            draws.assertConsumed();
            for (String name : List.of("infer.latents", "infer.cross_softmax", "infer.self_attention",
                    "infer.max_values", "infer.min_values", "infer.cross_kept")) {
                Fixture.assertClose(name, trace.get(name), g(name), TOL);
            }
            long[] passed = golden.readLongs("infer.passed_indices");
            float[] ours = trace.get("infer.passed_indices");
            assertEquals(passed.length, ours.length, "infer.passed_indices");
            for (int i = 0; i < passed.length; i++) {
                assertEquals(passed[i], (long) ours[i], "infer.passed_indices");
                for (String name : List.of("infer.was." + passed[i], "infer.was_resized." + passed[i])) {
                    Fixture.assertClose(name, trace.get(name), g(name), TOL);
                }
            }
            System.out.println("parity infer.passed_indices: exact");
            Fixture.assertClose("infer.final_attention_map", r.scores(), g("infer.final_attention_map"), TOL);
            Fixture.assertLabels("infer.final_mask", r.labels(), ints("infer.final_mask"),
                    g("infer.final_attention_map"), TOL);
        }
    }
}
