package org.slime4j.core.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slime4j.core.weights.DType;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.SafeTensorsWriter.Tensor;

/**
 * Writes a complete, tiny Stable Diffusion folder with RANDOM weights in the diffusers layout (a few hundred kB,
 * deterministic for a seed): what the tests run on any fresh clone, and the demo's built-in model, which shows the
 * workflow without a download but segments nothing real. The checkpoint keys are enumerated here from diffusers'
 * module structure, independently of the loader: a key the loader expects but diffusers would not write (or the
 * reverse) fails the tests. Its tokenizer knows single characters and the words "part" and "cell" only.
 *
 * <p>SD-1 style: conv projections, one head count, quick_gelu, pad {@code <|endoftext|>}, VAE attention named
 * query/key/value/proj_attn. SD-2 style: linear projections, per-block head list, gelu, pad {@code !}, the newer
 * to_q/to_k/to_v/to_out.0 VAE naming.
 */
public final class TinyModel {
    public static final int TEXT_DIM = 16;
    public static final int[] UNET_CHANNELS = {8, 16};
    public static final int[] VAE_CHANNELS = {4, 8, 8, 8};

    /** The UNet's shape: block channels, block types, resnets per down block. */
    record Layout(int[] channels, String[] down, String[] up, int layersPerBlock) {
        String json(boolean sd2) {
            StringBuilder heads = new StringBuilder("[");
            for (int i = 0; i < channels.length; i++) {
                heads.append(i == 0 ? "" : ", ").append(i < channels.length / 2 ? 2 : 4);
            }
            return "\"block_out_channels\": " + java.util.Arrays.toString(channels) + ", \"down_block_types\": "
                    + quoted(down) + ", \"up_block_types\": " + quoted(up) + ", \"layers_per_block\": "
                    + layersPerBlock + ", \"attention_head_dim\": " + (sd2 ? heads + "]" : "2");
        }

        private static String quoted(String[] v) {
            return "[\"" + String.join("\", \"", v) + "\"]";
        }
    }

    /** Two blocks, one resnet each: the smallest UNet with every kind of block. */
    static final Layout SMALL = new Layout(UNET_CHANNELS, new String[] {"CrossAttnDownBlock2D", "DownBlock2D"},
            new String[] {"UpBlock2D", "CrossAttnUpBlock2D"}, 1);
    /** Stable Diffusion's block layout (4 blocks, 2 resnets), so the reference's default layers exist. */
    static final Layout SD = new Layout(new int[] {16, 16, 32, 32},
            new String[] {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"},
            new String[] {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}, 2);

    private final Layout layout;
    private final boolean sd2;
    private final DType dtype;
    private final Random random;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    private TinyModel(Layout layout, boolean sd2, DType dtype, long seed) {
        this.layout = layout;
        this.sd2 = sd2;
        this.dtype = dtype;
        this.random = new Random(seed);
    }

    /** Writes the model into {@code dir} (created) and returns it. */
    public static Path write(Path dir, boolean sd2, DType dtype, long seed) throws IOException {
        new TinyModel(SMALL, sd2, dtype, seed).writeAll(dir);
        return dir;
    }

    /** An SD-1 style model with Stable Diffusion's block layout, for the reference's default layers. */
    public static Path writeSdLayout(Path dir, long seed) throws IOException {
        new TinyModel(SD, false, DType.F32, seed).writeAll(dir);
        return dir;
    }

    private void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionPipeline\"}");
        TinyVocabulary.write(dir.resolve("tokenizer"), sd2 ? "!" : "<|endoftext|>");
        int vocab = TinyVocabulary.words().size();
        json(dir.resolve("text_encoder/config.json"), "{\"hidden_size\": " + TEXT_DIM + ", \"intermediate_size\": "
                + 4 * TEXT_DIM + ", \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"vocab_size\": " + vocab
                + ", \"max_position_embeddings\": 77, \"layer_norm_eps\": 1e-05, \"hidden_act\": \""
                + (sd2 ? "gelu" : "quick_gelu") + "\"}");
        json(dir.resolve("unet/config.json"), "{\"in_channels\": 4, \"out_channels\": 4, " + layout.json(sd2)
                + ", \"cross_attention_dim\": " + TEXT_DIM + ", \"norm_num_groups\": 4, \"norm_eps\": 1e-05, "
                + "\"use_linear_projection\": " + sd2 + ", \"upcast_attention\": " + sd2
                + ", \"flip_sin_to_cos\": true, \"freq_shift\": 0, \"downsample_padding\": 1}");
        json(dir.resolve("vae/config.json"), "{\"in_channels\": 3, \"latent_channels\": 4, \"block_out_channels\": "
                + "[4, 8, 8, 8], \"layers_per_block\": 1, \"norm_num_groups\": 4, \"scaling_factor\": 0.18215, "
                + "\"down_block_types\": [\"DownEncoderBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\", "
                + "\"DownEncoderBlock2D\"]}");
        json(dir.resolve("scheduler/scheduler_config.json"), "{\"beta_start\": 0.00085, \"beta_end\": 0.012, "
                + "\"beta_schedule\": \"scaled_linear\", \"num_train_timesteps\": 1000}");
        String suffix = dtype == DType.F32 ? ".safetensors" : ".fp16.safetensors";
        textEncoder(vocab);
        flush(dir.resolve("text_encoder/model" + suffix));
        vae();
        flush(dir.resolve("vae/diffusion_pytorch_model" + suffix));
        unet();
        flush(dir.resolve("unet/diffusion_pytorch_model" + suffix));
    }

    private static void json(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- weights

    private void tensor(String key, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        boolean norm = key.matches(".*(norm[0-9_a-z]*|layer_norm[12])\\.weight");
        double fanIn = shape.length == 1 ? 1 : n / (double) shape[0];
        double std = shape.length == 1 ? 0.05 : key.contains("embedding") ? 1 : 1 / Math.sqrt(fanIn);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((norm ? 1 : 0) + random.nextGaussian() * std);    // like PyTorch's default init
        }
        values.put(key, data);
        shapes.put(key, shape);
    }

    private void linear(String prefix, int in, int out, boolean bias) {
        tensor(prefix + ".weight", out, in);
        if (bias) {
            tensor(prefix + ".bias", out);
        }
    }

    private void conv(String prefix, int in, int out, int k) {
        tensor(prefix + ".weight", out, in, k, k);
        tensor(prefix + ".bias", out);
    }

    private void norm(String prefix, int c) {
        tensor(prefix + ".weight", c);
        tensor(prefix + ".bias", c);
    }

    private void flush(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            long[] shape = shapes.get(e.getKey());
            w.put(e.getKey(), dtype == DType.F32 ? Tensor.floats(e.getValue(), shape)
                    : Tensor.halfs(dtype, e.getValue(), shape));
        }
        w.metadata("format", "pt").write(file, false);
        values.clear();
        shapes.clear();
    }

    private void textEncoder(int vocab) {
        String p = "text_model.";
        tensor(p + "embeddings.token_embedding.weight", vocab, TEXT_DIM);
        tensor(p + "embeddings.position_embedding.weight", 77, TEXT_DIM);
        for (int i = 0; i < 2; i++) {
            String l = p + "encoder.layers." + i + ".";
            norm(l + "layer_norm1", TEXT_DIM);
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                linear(l + "self_attn." + proj, TEXT_DIM, TEXT_DIM, true);
            }
            norm(l + "layer_norm2", TEXT_DIM);
            linear(l + "mlp.fc1", TEXT_DIM, 4 * TEXT_DIM, true);
            linear(l + "mlp.fc2", 4 * TEXT_DIM, TEXT_DIM, true);
        }
        norm(p + "final_layer_norm", TEXT_DIM);
    }

    private void resnet(String p, int in, int out, int temb) {
        norm(p + ".norm1", in);
        conv(p + ".conv1", in, out, 3);
        if (temb > 0) {
            linear(p + ".time_emb_proj", temb, out, true);
        }
        norm(p + ".norm2", out);
        conv(p + ".conv2", out, out, 3);
        if (in != out) {
            conv(p + ".conv_shortcut", in, out, 1);
        }
    }

    private void vae() {
        int[] ch = VAE_CHANNELS;
        conv("encoder.conv_in", 3, ch[0], 3);
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            resnet("encoder.down_blocks." + i + ".resnets.0", in, out, 0);
            if (i < ch.length - 1) {
                conv("encoder.down_blocks." + i + ".downsamplers.0.conv", out, out, 3);
            }
        }
        int c = ch[ch.length - 1];
        resnet("encoder.mid_block.resnets.0", c, c, 0);
        String a = "encoder.mid_block.attentions.0.";
        norm(a + "group_norm", c);
        for (String n : sd2 ? List.of("to_q", "to_k", "to_v", "to_out.0") : List.of("query", "key", "value", "proj_attn")) {
            linear(a + n, c, c, true);
        }
        resnet("encoder.mid_block.resnets.1", c, c, 0);
        norm("encoder.conv_norm_out", c);
        conv("encoder.conv_out", c, 8, 3);
        conv("quant_conv", 8, 8, 1);
        conv("post_quant_conv", 4, 4, 1);
        conv("decoder.conv_in", 4, c, 3);
    }

    private void transformer(String p, int c) {
        norm(p + ".norm", c);
        if (sd2) {
            linear(p + ".proj_in", c, c, true);
            linear(p + ".proj_out", c, c, true);
        } else {
            conv(p + ".proj_in", c, c, 1);
            conv(p + ".proj_out", c, c, 1);
        }
        String b = p + ".transformer_blocks.0.";
        norm(b + "norm1", c);
        norm(b + "norm2", c);
        norm(b + "norm3", c);
        for (String attn : List.of("attn1", "attn2")) {
            int kv = attn.equals("attn1") ? c : TEXT_DIM;
            linear(b + attn + ".to_q", c, c, false);
            linear(b + attn + ".to_k", kv, c, false);
            linear(b + attn + ".to_v", kv, c, false);
            linear(b + attn + ".to_out.0", c, c, true);
        }
        linear(b + "ff.net.0.proj", c, 8 * c, true);
        linear(b + "ff.net.2", 4 * c, c, true);
    }

    /** diffusers' UNet2DConditionModel key tree for the layout. */
    private void unet() {
        int[] ch = layout.channels;
        int n = ch.length;
        int layers = layout.layersPerBlock;
        int temb = 4 * ch[0];
        linear("time_embedding.linear_1", ch[0], temb, true);
        linear("time_embedding.linear_2", temb, temb, true);
        conv("conv_in", 4, ch[0], 3);
        int out = ch[0];
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch[i];
            for (int j = 0; j < layers; j++) {
                resnet("down_blocks." + i + ".resnets." + j, j == 0 ? in : out, out, temb);
                if (layout.down[i].startsWith("CrossAttn")) {
                    transformer("down_blocks." + i + ".attentions." + j, out);
                }
            }
            if (i < n - 1) {
                conv("down_blocks." + i + ".downsamplers.0.conv", out, out, 3);
            }
        }
        int last = ch[n - 1];
        resnet("mid_block.resnets.0", last, last, temb);
        transformer("mid_block.attentions.0", last);
        resnet("mid_block.resnets.1", last, last, temb);
        out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            int prev = out;
            out = ch[n - 1 - i];
            int in = ch[Math.max(n - 2 - i, 0)];
            for (int j = 0; j <= layers; j++) {
                int skip = j == layers ? in : out;
                resnet("up_blocks." + i + ".resnets." + j, (j == 0 ? prev : out) + skip, out, temb);
                if (layout.up[i].startsWith("CrossAttn")) {
                    transformer("up_blocks." + i + ".attentions." + j, out);
                }
            }
            if (i < n - 1) {
                conv("up_blocks." + i + ".upsamplers.0.conv", out, out, 3);
            }
        }
        norm("conv_norm_out", ch[0]);
        conv("conv_out", ch[0], 4, 3);
    }
}
