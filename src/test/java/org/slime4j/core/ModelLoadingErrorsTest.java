package org.slime4j.core;

import org.slime4j.core.model.StableDiffusion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.weights.DType;
import org.slime4j.core.weights.ModelFormatException;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.TensorInfo;
import org.slime4j.core.model.TinyModel;

/** Each way a model folder can be wrong gives one clear message naming the file and the key or value. */
class ModelLoadingErrorsTest {
    @TempDir
    Path tmp;
    Path model;

    @BeforeEach
    void write() throws Exception {
        model = TinyModel.write(tmp.resolve("model"), false, DType.F32, 11);
    }

    private String loadError() {
        return assertThrows(ModelFormatException.class, () -> StableDiffusion.load(model, DeviceChoice.CPU).close())
                .getMessage();
    }

    /** Rewrites a weights file without {@code drop}, or with {@code reshape} given a new shape. */
    private void rewrite(Path file, String drop, String reshape, long... shape) throws Exception {
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors in = SafeTensors.open(file)) {
            for (TensorInfo t : in.tensors().values()) {
                if (t.name().equals(drop)) {
                    continue;
                }
                w.put(t.name(), SafeTensorsWriter.Tensor.floats(in.readFloats(t.name()),
                        t.name().equals(reshape) ? shape : t.shape()));
            }
        }
        w.write(file, true);
    }

    private Path unetFile() {
        return model.resolve("unet/diffusion_pytorch_model.safetensors");
    }

    @Test
    void missingWeightNamesTheFullKeyAndFile() throws Exception {
        String key = "up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight";
        rewrite(unetFile(), key, null);
        String m = loadError();
        assertTrue(m.contains("'" + key + "'") && m.contains(unetFile().toString()), m);
    }

    @Test
    void wrongShapeNamesBothShapes() throws Exception {
        String key = "mid_block.resnets.0.conv1.bias";
        rewrite(unetFile(), null, key, 4, 4);
        String m = loadError();
        assertTrue(m.contains("'" + key + "'") && m.contains("[4, 4]") && m.contains("[16]"), m);
    }

    @Test
    void missingOrIllTypedConfigField() throws Exception {
        Path config = model.resolve("unet/config.json");
        String json = Files.readString(config);
        Files.writeString(config, json.replace("\"block_out_channels\": [8, 16],", ""));
        String m = loadError();
        assertTrue(m.contains(config.toString()) && m.contains("'block_out_channels'"), m);
        Files.writeString(config, json.replace("\"layers_per_block\": 1", "\"layers_per_block\": \"one\""));
        m = loadError();
        assertTrue(m.contains("'layers_per_block'") && m.contains("an integer") && m.contains("\"one\""), m);
        Files.writeString(config, json.replace("\"DownBlock2D\"]", "\"SimpleCrossAttnDownBlock2D\"]"));
        assertTrue(loadError().contains("'SimpleCrossAttnDownBlock2D' is not supported"));
    }

    @Test
    void tokenizerFileMissing() throws Exception {
        Files.delete(model.resolve("tokenizer/merges.txt"));
        String m = loadError();
        assertTrue(m.contains("merges.txt") && m.contains("missing"), m);
    }

    @Test
    void binOnlyAndNotAModelFolder() throws Exception {
        Files.move(unetFile(), model.resolve("unet/diffusion_pytorch_model.bin"));
        String m = loadError();
        assertTrue(m.contains("only has PyTorch .bin weights"), m);
        String notModel = assertThrows(ModelFormatException.class, () -> ModelFolder.resolve(tmp)).getMessage();
        assertTrue(notModel.contains("no model_index.json") && notModel.contains(tmp.toString()), notModel);
    }

    @Test
    void huggingFaceCacheLayoutResolvesThroughRefsMain() throws Exception {
        Path repo = tmp.resolve("hub/models--org--tiny");
        Path snapshot = repo.resolve("snapshots/0123abcd");
        Files.createDirectories(snapshot.getParent());
        Files.move(model, snapshot);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "0123abcd\n");
        assertEquals(snapshot, ModelFolder.resolve(repo).root());
        try (StableDiffusion sd = StableDiffusion.load(repo, DeviceChoice.CPU)) {
            assertEquals(snapshot, sd.folder().root());
        }
    }

    @Test
    void fp16VariantIsFoundWhenItIsTheOnlyFile() throws Exception {
        Path half = TinyModel.write(tmp.resolve("half"), false, DType.F16, 3);
        assertTrue(new ModelFolder(half).weights("unet").getFileName().toString().endsWith(".fp16.safetensors"));
        StableDiffusion.load(half, DeviceChoice.CPU).close();
    }

    @Test
    void deviceChoiceParsesAndGpuWithoutCudaSaysSo() {
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(" Auto "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu")).getMessage()
                .contains("'tpu'"));
        assertEquals(ai.djl.Device.cpu(), DeviceChoice.CPU.resolve());
        if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
            assertEquals(ai.djl.Device.cpu(), DeviceChoice.AUTO.resolve());
            assertTrue(assertThrows(IllegalStateException.class, DeviceChoice.GPU::resolve).getMessage()
                    .contains("no CUDA device"));
        } else {
            assertEquals(ai.djl.Device.gpu(0), DeviceChoice.AUTO.resolve());
        }
    }
}
