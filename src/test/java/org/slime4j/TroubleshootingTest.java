package org.slime4j;

import org.slime4j.imagej.ImageFiles;
import static org.slime4j.core.slime.SlimeOption.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.gui.Line;
import ij.gui.Roi;
import ij.process.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.model.StableDiffusion;
import org.slime4j.core.Samples;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.model.ModelFolder;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Tiling;
import org.slime4j.core.slime.Trainer;
import org.slime4j.core.weights.DType;
import org.slime4j.core.weights.RawSafeTensors;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.TensorInfo;
import org.slime4j.core.engine.Execution;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Outputs;
import org.slime4j.imagej.RoiMasks;

/**
 * Every row of the README's Troubleshooting table, triggered for real: the message must contain what the README
 * says it contains, and every situation the README lists must be triggered here.
 */
class TroubleshootingTest {
    @TempDir
    Path tmp;

    interface Trigger {
        void run() throws Exception;
    }

    private static String messageOf(Trigger t) {
        try {
            t.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        return fail("no error was raised");
    }

    private Path model(String name) throws Exception {
        return TinyModel.write(tmp.resolve(name), false, DType.F32, 3);
    }

    private Path safetensors(String name, String header, int dataBytes) throws Exception {
        return RawSafeTensors.write(tmp.resolve(name), header, dataBytes);
    }

    private Map<String, Trigger> triggers() {
        Map<String, Trigger> t = new LinkedHashMap<>();
        t.put("model folder missing", () -> StableDiffusion.load(tmp.resolve("nowhere"), DeviceChoice.CPU));
        t.put("folder is not a model", () -> ModelFolder.resolve(Files.createDirectories(tmp.resolve("empty"))));
        t.put("only PyTorch `.bin` weights", () -> {
            Path m = model("bin");
            Files.move(m.resolve("unet/diffusion_pytorch_model.safetensors"), m.resolve("unet/diffusion_pytorch_model.bin"));
            StableDiffusion.load(m, DeviceChoice.CPU);
        });
        t.put("truncated download", () -> SafeTensors.open(safetensors("t.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)));
        t.put("corrupt or hostile header", () -> {
            Path f = tmp.resolve("hostile.safetensors");
            Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
            SafeTensors.open(f);
        });
        t.put("overlapping tensors", () -> SafeTensors.open(safetensors("o.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)));
        t.put("tensor size does not fit its shape", () -> SafeTensors.open(safetensors("s.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16)));
        t.put("unknown element type", () -> SafeTensors.open(safetensors("d.safetensors",
                "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4)));
        t.put("config lacks a field", () -> {
            Path m = model("field");
            Path c = m.resolve("unet/config.json");
            Files.writeString(c, Files.readString(c).replace("\"cross_attention_dim\"", "\"cross_dim\""));
            StableDiffusion.load(m, DeviceChoice.CPU);
        });
        t.put("unsupported architecture", () -> {
            Path m = model("arch");
            Path c = m.resolve("unet/config.json");
            Files.writeString(c, Files.readString(c).replace("\"in_channels\": 4,",
                    "\"in_channels\": 4, \"addition_embed_type\": \"text_time\","));
            StableDiffusion.load(m, DeviceChoice.CPU);
        });
        t.put("weight of another shape", () -> {
            Path m = model("shape");
            Path c = m.resolve("text_encoder/config.json");
            Files.writeString(c, Files.readString(c).replace("\"intermediate_size\": 64", "\"intermediate_size\": 32"));
            try (StableDiffusion sd = StableDiffusion.load(m, DeviceChoice.CPU)) {
                sd.textEncoder();                                                // loaded at first use
            }
        });
        t.put("tokenizer files missing", () -> {
            Path m = model("tok");
            Files.delete(m.resolve("tokenizer/vocab.json"));
            StableDiffusion.load(m, DeviceChoice.CPU);
        });
        t.put("`.slime` from another base model", () -> {
            Path a = model("a");
            Path b = TinyModel.write(tmp.resolve("b"), true, DType.F32, 4);
            LearnedParts parts;
            try (Slime s = Slime.open(a, DeviceChoice.CPU)) {
                parts = train(s);
            }
            try (Slime s = Slime.open(b, DeviceChoice.CPU)) {
                s.segment(parts, Samples.sample(64, 64).image(), Tiling.squeeze(), 0, false);
            }
        });
        t.put("`.slime` from a newer plugin", () -> {
            Path file = tmp.resolve("new.slime");
            try (Slime s = Slime.open(model("newer"), DeviceChoice.CPU)) {
                train(s).save(file, false);
            }
            SafeTensorsWriter w = new SafeTensorsWriter();
            try (SafeTensors in = SafeTensors.open(file)) {
                for (TensorInfo info : in.tensors().values()) {
                    w.put(info.name(), SafeTensorsWriter.Tensor.floats(in.readFloats(info.name()), info.shape()));
                }
                in.metadata().forEach(w::metadata);
            }
            w.metadata("format_version", "99").write(file, true);
            LearnedParts.load(file);
        });
        t.put("not a `.slime` file", () -> LearnedParts.load(safetensors("x.slime",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
        List<String> parts = List.of("background", "cell");
        t.put("no ROIs", () -> RoiMasks.rasterize(new Roi[0], 8, 8, parts));
        t.put("ROI named after no part", () -> {
            Roi r = new Roi(0, 0, 2, 2);
            r.setName("nucleus");
            RoiMasks.rasterize(new Roi[] {r}, 8, 8, parts);
        });
        t.put("line or point ROIs", () -> {
            Roi r = new Line(0, 0, 5, 5);
            r.setName("cell");
            RoiMasks.rasterize(new Roi[] {r}, 8, 8, parts);
        });
        t.put("label image with other values", () -> {
            ByteProcessor ip = new ByteProcessor(4, 4);
            ip.set(2, 2, 7);
            RoiMasks.fromLabelPixels(ip, 2);
        });
        t.put("more parts than tokens", () -> {
            try (Slime s = Slime.open(model("many"), DeviceChoice.CPU)) {
                List<String> names = new java.util.ArrayList<>(Collections.nCopies(77, "p"));
                for (int i = 0; i < names.size(); i++) {
                    names.set(i, "p" + i);
                }
                s.train(new Slime.TrainingRequest(names, null, List.of(Samples.sample(64, 64)), false,
                        InputMapping.REFERENCE, 0), options(), new Trainer.Listener() {
                        }, () -> false).parts();
            }
        });
        t.put("not enough memory for the run", () -> {
            ij.ImagePlus imp = new ij.ImagePlus("cell", new ByteProcessor(64, 64));
            Roi cell = new Roi(10, 10, 20, 20);
            cell.setName("cell");
            new org.slime4j.jobs.TrainJob(List.of(new org.slime4j.imagej.Annotations.Annotated(imp, new Roi[] {cell},
                    null)), "cell", model("memory"), Execution.on(DeviceChoice.CPU), options().with(WORKING_SIZE, 8192),
                    java.util.Set.of(), false, 0, null, null, false, org.slime4j.jobs.Checkpoints.Policy.OFF)
                    .run(JobListener.NONE);
        });
        t.put("output exists", () -> {
            Path file = tmp.resolve("exists.slime");
            Files.writeString(file, "x");
            try (Slime s = Slime.open(model("exists"), DeviceChoice.CPU)) {
                train(s).save(file, false);
            }
        });
        t.put("output folder is a file", () -> {
            Path in = Files.createDirectories(tmp.resolve("in"));
            Path file = Files.writeString(tmp.resolve("file-not-folder"), "x");
            Path m = model("outfile");
            Path slime = tmp.resolve("outfile.slime");
            try (Slime s = Slime.open(m, DeviceChoice.CPU)) {
                train(s).save(slime, false);
            }
            new FolderJob(in, "*.tif", file, slime, m, Execution.on(DeviceChoice.CPU), FolderJob.Shard.parse("1/1"),
                    Tiling.squeeze(), 0, false, false).run(JobListener.NONE);
        });
        t.put("`gpu` without CUDA", () -> {
            if (ai.djl.engine.Engine.getInstance().getGpuCount() > 0) {
                throw new IllegalStateException("no CUDA device (this machine has one: nothing to show)");
            }
            DeviceChoice.GPU.resolve();
        });
        t.put("folder file ImageJ cannot open", () -> {
            Path in = Files.createDirectories(tmp.resolve("bad-in"));
            Files.write(in.resolve("broken.tif"), new byte[] {9, 9, 9});
            Path m = model("broken");
            Path slime = tmp.resolve("broken.slime");
            try (Slime s = Slime.open(m, DeviceChoice.CPU)) {
                train(s).save(slime, false);
            }
            FolderJob.Summary summary = new FolderJob(in, "*.tif", tmp.resolve("bad-out"), slime, m,
                    Execution.on(DeviceChoice.CPU), FolderJob.Shard.parse("1/1"), Tiling.squeeze(), 0, false, false)
                    .run(JobListener.NONE);
            throw new IllegalStateException(summary.failures().get(0));
        });
        t.put("pattern matches no file", () -> {
            Path in = Files.createDirectories(tmp.resolve("png-in"));
            Files.writeString(in.resolve("a.png"), "x");
            FolderJob.files(in, "*.tif", FolderJob.Shard.parse("1/1"));
        });
        t.put("shard out of range", () -> FolderJob.Shard.parse("5/4"));
        t.put("learned-parts file missing", () -> LearnedParts.load(tmp.resolve("missing.slime")));
        t.put("output folder not writable", () -> Outputs.folder(Path.of("/proc/slime-test")));
        t.put("output is a folder", () -> Outputs.file(Files.createDirectories(tmp.resolve("a-folder.tif")), true,
                JobListener.NONE));
        t.put("the image given as its label image", () -> {
            ByteProcessor ip = new ByteProcessor(4, 4);
            ip.set(1, 1, 200);
            RoiMasks.partNamesForLabels(List.of(new ij.ImagePlus("cells", ip)));
        });
        t.put("SLURM array with a list of tasks", () -> FolderJob.Shard.parse("slurm", Map.of(
                "SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_MAX", "7",
                "SLURM_ARRAY_TASK_COUNT", "3")));
        return t;
    }

    static SlimeOptions options() {
        return SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, 1).with(AUGMENT, false)
                .with(CROSS_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn2"))
                .with(SELF_LAYERS, List.of("up_blocks.1.attentions.0.transformer_blocks.0.attn1"));
    }

    static LearnedParts train(Slime s) {
        return s.train(new Slime.TrainingRequest(List.of("background", "disk", "square"), null,
                List.of(Samples.sample(64, 64)), false, InputMapping.REFERENCE, 0), options(), new Trainer.Listener() {
                }, () -> false).parts();
    }

    @Test
    void everyReadmeRowIsTriggeredAndSaysWhatTheReadmeSays() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String table = readme.substring(readme.indexOf("## Troubleshooting"));
        table = table.substring(0, table.indexOf("\n## ", 5));
        Matcher row = Pattern.compile("(?m)^\\| (.+?) \\| `(.+?)` \\| .+ \\|$").matcher(table);
        Map<String, Trigger> triggers = triggers();
        int rows = 0;
        while (row.find()) {
            String situation = row.group(1);
            String fragment = row.group(2);
            Trigger trigger = triggers.remove(situation);
            assertNotNull(trigger, "README row '" + situation + "' has no trigger in this test");
            String message = messageOf(trigger);
            assertTrue(message != null && message.contains(fragment),
                    situation + ": README says '" + fragment + "', the message is: " + message);
            rows++;
        }
        assertTrue(triggers.isEmpty(), "triggers without a README row: " + triggers.keySet());
        assertEquals(32, rows, "rows in the README's Troubleshooting table");
        assertFalse(table.isEmpty());
    }
}
