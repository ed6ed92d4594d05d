package org.slime4j.core;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.unet.CapturedScores;
import org.slime4j.core.vae.AutoencoderKL;
import org.slime4j.core.weights.SafeTensors;

/**
 * Stable Diffusion against the golden tensors the SLiMe reference code computed (see the fixture's golden.md):
 * tokenizer ids exactly, every float tensor within 1e-4 relative (max|a-b| / max|b|).
 */
class StableDiffusionParityTest {
    private static final double TOL = 1e-4;
    private static StableDiffusion sd;
    private static SafeTensors golden;

    @BeforeAll
    static void load() throws Exception {
        golden = Fixture.golden();
        sd = StableDiffusion.load(Fixture.require(), DeviceChoice.CPU);
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

    @Test
    void tokenizerIdsAreExact() throws Exception {
        List<String> prompts = Fixture.prompts();
        long[] expected = golden.readLongs("tokenizer.input_ids");
        long length = golden.info("tokenizer.input_ids").shape()[1];
        assertEquals(golden.info("tokenizer.input_ids").shape()[0], prompts.size(), "prompts listed in golden.md");
        for (int i = 0; i < prompts.size(); i++) {
            long[] want = Arrays.copyOfRange(expected, (int) (i * length), (int) ((i + 1) * length));
            assertArrayEquals(want, sd.tokenizer().encode(prompts.get(i)), "ids of prompt " + i + ": " + prompts.get(i));
        }
        System.out.printf("parity tokenizer: %d prompts, ids exact%n", prompts.size());
    }

    @Test
    void textEncoderHiddenStates() throws Exception {
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray ids = Fixture.array(m, golden, "tokenizer.input_ids");
            Fixture.assertClose("text_encoder.last_hidden_state", sd.textEncoder().forward(ids),
                    Fixture.array(m, golden, "text_encoder.last_hidden_state"), TOL);
            int parts = Integer.parseInt(golden.metadata().get("K"));
            String prompt = String.join(" ", java.util.Collections.nCopies(parts, "part"));
            for (String[] pair : new String[][] {{"slime.text_embedding", prompt}, {"slime.uncond_embedding", ""}}) {
                NDArray one = m.create(sd.tokenizer().encode(pair[1]), new Shape(1, sd.tokenizer().length()));
                Fixture.assertClose(pair[0], sd.textEncoder().forward(one), Fixture.array(m, golden, pair[0]), TOL);
            }
        }
    }

    @Test
    void vaeEncoderMomentsAndLatents() throws Exception {
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray image = Fixture.array(m, golden, "train.image_S");
            AutoencoderKL vae = sd.vae();
            try (NDArray two = m.create(2f); NDArray one = m.create(1f);
                 NDArray signed = image.mul(two).sub(one);
                 AutoencoderKL.LatentDistribution d = vae.encode(signed)) {
                Fixture.assertClose("vae.mean", d.mean(), Fixture.array(m, golden, "vae.mean"), TOL);
                Fixture.assertClose("vae.logvar", d.logvar(), Fixture.array(m, golden, "vae.logvar"), TOL);
                Fixture.assertClose("vae.std", vae.std(d), Fixture.array(m, golden, "vae.std"), TOL);
            }
            NDArray latents = vae.encodeImages(image, Fixture.array(m, golden, "input.train_vae_eps"));
            Fixture.assertClose("vae.latents", latents, Fixture.array(m, golden, "vae.latents"), TOL);
        }
    }

    @Test
    void noiseSchedule() throws Exception {
        Fixture.assertClose("scheduler.alphas_cumprod", sd.schedule().alphasCumprod(),
                golden.readFloats("scheduler.alphas_cumprod"), TOL);
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray latents = Fixture.array(m, golden, "vae.latents");
            String[][] cases = {{"scheduler.add_noise.t50", "input.train_noise"},
                                {"scheduler.add_noise.t100", "input.infer_noise"}};
            for (String[] c : cases) {
                int t = Integer.parseInt(c[0].substring(c[0].lastIndexOf(".t") + 2));
                NDArray noisy = sd.schedule().addNoise(latents, Fixture.array(m, golden, c[1]), t);
                Fixture.assertClose(c[0], noisy, Fixture.array(m, golden, c[0]), TOL);
            }
        }
    }

    @Test
    void unetNoisePredictionAndEveryAttentionScore() throws Exception {
        List<String> paths = new ArrayList<>();
        for (String name : golden.tensors().keySet()) {
            if (name.startsWith("unet.scores.")) {
                paths.add(name.substring("unet.scores.".length()));
            }
        }
        assertFalse(paths.isEmpty(), "golden has unet.scores.* tensors");
        try (NDManager m = sd.manager().newSubManager()) {
            NDArray latents = Fixture.array(m, golden, "train.latents_noisy");
            NDArray batch = latents.concat(latents, 0);                          // [2, 4, L, L]
            long t = golden.readLongs("train.t")[0];
            NDArray context = Fixture.array(m, golden, "train.t_embedding");
            CapturedScores capture = new CapturedScores(paths);
            NDArray noise = sd.unet().forward(batch, t, context, capture);
            Fixture.assertClose("unet.noise_pred", noise, Fixture.array(m, golden, "unet.noise_pred"), TOL);
            for (String path : paths) {
                Fixture.assertClose("unet.scores." + path, capture.get(path),
                        Fixture.array(m, golden, "unet.scores." + path), TOL);
            }
        }
    }
}
