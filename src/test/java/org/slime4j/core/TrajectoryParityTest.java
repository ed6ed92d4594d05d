package org.slime4j.core;

import static org.slime4j.core.slime.SlimeOption.*;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.Segmenter;
import org.slime4j.core.slime.Trace;
import org.slime4j.core.slime.RgbImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.TextContext;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.weights.SafeTensors;

/**
 * 30 consecutive reference training steps (trajectory.safetensors, see trajectory.md) replayed through the
 * production training loop with the recorded draws: per-step losses and the learned vectors within 1e-4 relative,
 * check masks within 1 % differing pixels (no reference scores for them), the final score maps within 1e-4 of their
 * maximum and the final mask equal wherever the reference's decision is clear.
 */
class TrajectoryParityTest {
    private static final double TOL = 1e-4;

    @Test
    void thirtyStepsOfTheReferenceLoop() throws Exception {
        try (SafeTensors traj = SafeTensors.open(Fixture.require().resolve("trajectory.safetensors"));
             SafeTensors golden = Fixture.golden();
             StableDiffusion sd = StableDiffusion.load(Fixture.require(), DeviceChoice.CPU)) {
            Map<String, String> meta = traj.metadata();
            int steps = Integer.parseInt(meta.get("n_steps"));
            int k = Integer.parseInt(meta.get("K"));
            int s = Integer.parseInt(meta.get("S"));
            int l = Integer.parseInt(meta.get("L"));
            String[] tRange = meta.get("t_range").split(",");
            SlimeOptions options = GoldenConfig.options(golden)
                    .with(WORKING_SIZE, s)
                    .with(EPOCHS, steps)
                    .with(LEARNING_RATE, Double.parseDouble(meta.get("lr")))
                    .with(Map.of(TRAIN_T_MIN, Integer.parseInt(tRange[0]), TRAIN_T_MAX, Integer.parseInt(tRange[1])))
                    .with(TEST_T, Integer.parseInt(meta.get("test_t")))
                    .with(SD_LOSS_COEF, Double.parseDouble(meta.get("sd_loss_coef")))
                    .with(SELF_ATTENTION_LOSS_COEF, Double.parseDouble(meta.get("self_attention_loss_coef")))
                    .with(GUIDANCE_SCALE, Double.parseDouble(meta.get("guidance_scale")))
                    .with(AUGMENT, false);
            assertEquals("none", meta.get("augmentation"));
            TextContext text = TextContext.encode(sd, k, null);
            long[] shape = traj.info("traj.input.image").shape();
            RgbImage image = new RgbImage((int) shape[3], (int) shape[2], traj.readFloats("traj.input.image"));
            long[] maskShape = traj.info("traj.input.mask").shape();
            int[] mask = Arrays.stream(traj.readLongs("traj.input.mask")).mapToInt(v -> (int) v).toArray();
            LabelImage labels = new LabelImage((int) maskShape[1], (int) maskShape[0], mask);

            Recorded draws = new Recorded();
            long[] ts = traj.readLongs("traj.input.t");
            int per = 4 * l * l;
            float[][] inputs = {traj.readFloats("traj.input.train_vae_eps"), traj.readFloats("traj.input.train_noise"),
                                traj.readFloats("traj.input.check_vae_eps"), traj.readFloats("traj.input.check_noise")};
            assertEquals("train_vae_eps,train_noise,check_vae_eps,check_noise", meta.get("randn_order_per_step"));
            for (int i = 0; i < steps; i++) {
                draws.timestep((int) ts[i]);
                for (float[] input : inputs) {
                    draws.normal(Arrays.copyOfRange(input, i * per, (i + 1) * per), 1, 4, l, l);
                }
            }
            List<Trainer.StepReport> reports = new ArrayList<>();
            Trainer.Outcome outcome = Trainer.train(new Trainer.Setup(sd, text, options,
                    List.of(new Trainer.Pair(image, labels.resizeNearest(image.width(), image.height()))), List.of(),
                    new Trainer.Settings(true, 0)), draws, null, new Trainer.Listener() {
                        @Override
                        public boolean wantsStepDetails() {
                            return true;
                        }

                        @Override
                        public void step(Trainer.StepReport report) {
                            reports.add(report);
                        }
                    }, () -> false);
            assertEquals(steps, reports.size());

            Map<String, float[]> ours = new HashMap<>();
            for (String q : List.of("loss", "loss1", "loss2", "sd_loss")) {
                float[] v = new float[steps];
                for (int i = 0; i < steps; i++) {
                    TrainStepValues r = new TrainStepValues(reports.get(i));
                    v[i] = r.get(q);
                }
                ours.put(q, v);
            }
            double worstLoss = 0;
            for (String q : ours.keySet()) {
                float[] ref = traj.readFloats("traj." + q);
                for (int i = 0; i < steps; i++) {
                    double rel = Math.abs(ours.get(q)[i] - ref[i]) / Math.abs(ref[i]);
                    worstLoss = Math.max(worstLoss, rel);
                    assertTrue(rel <= TOL, "traj." + q + " step " + (i + 1) + ": " + ours.get(q)[i] + " vs " + ref[i]);
                }
            }
            System.out.printf("parity traj per-step losses (%d steps) max rel = %.3e%n", steps, worstLoss);

            for (String step : meta.get("record_steps").split(",")) {
                int n = Integer.parseInt(step);
                float[][] vectors = reports.get(n - 1).vectorsAfter();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < k - 1; i++) {
                    float[] ref = traj.readFloats("traj.embedding." + n + "." + i);
                    for (int j = 0; j < ref.length; j++) {
                        diff += Math.pow(vectors[i][j] - ref[j], 2);
                        norm += Math.pow(ref[j], 2);
                    }
                    Fixture.assertClose("traj.grad." + n + "." + i, reports.get(n - 1).result().gradients()[i],
                            traj.readFloats("traj.grad." + n + "." + i), 1e-3);
                }
                double rel = Math.sqrt(diff / norm);
                System.out.printf("parity traj.embedding step %d ||E'-E||/||E|| = %.3e%n", n, rel);
                assertTrue(rel <= TOL, "embeddings after step " + n + ": " + rel);
            }

            long[] checks = traj.readLongs("traj.check_final_mask");
            float[] ious = traj.readFloats("traj.train_mean_iou");
            long differing = 0;
            for (int i = 0; i < steps; i++) {
                int[] check = reports.get(i).checkLabels();
                boolean same = true;
                for (int p = 0; p < l * l; p++) {
                    if (check[p] != checks[i * l * l + p]) {
                        differing++;
                        same = false;
                    }
                }
                if (same) {
                    assertEquals(ious[i], reports.get(i).trainIou(), 1e-5, "train IoU of step " + (i + 1));
                }
            }
            double fraction = differing / (double) (steps * l * l);
            System.out.printf("parity traj.check_final_mask differing pixels %.4f%n", fraction);
            assertTrue(fraction <= 0.01, "check masks differ in " + fraction + " of the pixels");

            Recorded finalDraws = new Recorded()
                    .normal(traj.readFloats("traj.input.final_vae_eps"), 1, 4, l, l)
                    .normal(traj.readFloats("traj.input.final_noise"), 1, 4, l, l);
            int size = (int) traj.info("traj.final_mask").shape()[0];
            assertEquals(Integer.parseInt(meta.get("test_mask_size")), size);
            try (NDManager m = sd.manager().newSubManager()) {
                Map<String, float[]> trace = new HashMap<>();
                Segmenter.Result r = Segmenter.of(sd, text, outcome.vectors(), options, m).segment(image.toArray(m),
                        size, finalDraws, Trace.into(trace));
                finalDraws.assertConsumed();
                Fixture.assertClose("traj.final_max_values", trace.get("infer.max_values"),
                        traj.readFloats("traj.final_max_values"), TOL);
                Fixture.assertClose("traj.final_attention_map", r.scores(), traj.readFloats("traj.final_attention_map"),
                        TOL);
                Fixture.assertLabels("traj.final_mask", r.labels(), Arrays.stream(traj.readLongs("traj.final_mask"))
                        .mapToInt(v -> (int) v).toArray(), traj.readFloats("traj.final_attention_map"), TOL);
            }
            draws.assertConsumed();
        }
    }

    /** The losses of a step report by the trajectory's names. */
    private record TrainStepValues(Trainer.StepReport report) {
        float get(String name) {
            return switch (name) {
                case "loss" -> report.result().loss();
                case "loss1" -> report.result().loss1();
                case "loss2" -> report.result().loss2();
                case "sd_loss" -> report.result().sdLoss();
                default -> throw new IllegalArgumentException(name);
            };
        }
    }
}
