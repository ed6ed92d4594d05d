package org.slime4j.core.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slime4j.core.hub.HubCache;
import org.slime4j.core.weights.ModelFormatException;

/**
 * A Stable Diffusion model folder in the diffusers layout ({@code model_index.json}, {@code unet/}, {@code vae/},
 * {@code text_encoder/}, {@code tokenizer/}, {@code scheduler/}), given directly, as a Hugging Face cache snapshot
 * ({@code models--org--name/snapshots/<commit>}) or as the cache's repository folder ({@code models--org--name},
 * resolved through {@code refs/main}). Immutable.
 */
public record ModelFolder(Path root) {
    /**
     * Finds the model folder at or below {@code path}, or says why {@code path} is not one. A {@code path} that does
     * not exist but reads {@code org/name[@revision]} is looked up in the Hugging Face cache ({@link HubCache}).
     */
    public static ModelFolder resolve(Path path) {
        if (!Files.exists(path) && HubCache.isRepoId(path.toString())) {
            try {
                path = HubCache.fromEnvironment(System.getenv()).require(path.toString());
            } catch (IOException e) {
                throw new ModelFormatException("Cannot read the Hugging Face cache: " + e.getMessage(), e);
            }
        }
        if (!Files.isDirectory(path)) {
            throw new ModelFormatException("Model folder " + path + " does not exist or is not a folder.");
        }
        if (Files.isRegularFile(path.resolve("model_index.json"))) {
            return new ModelFolder(path);
        }
        Path ref = path.resolve("refs").resolve("main");
        if (Files.isRegularFile(ref)) {
            try {
                Path snapshot = path.resolve("snapshots").resolve(Files.readString(ref, StandardCharsets.UTF_8).strip());
                return resolve(snapshot);
            } catch (IOException e) {
                throw new ModelFormatException("Cannot read " + ref + ": " + e.getMessage(), e);
            }
        }
        throw new ModelFormatException("Folder " + path + " is not a diffusers model folder: it has no "
                + "model_index.json (expected subfolders unet/, vae/, text_encoder/, tokenizer/, scheduler/).");
    }

    public Path component(String name) {
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("Model folder " + root + " has no '" + name + "' subfolder.");
        }
        return dir;
    }

    public Path config(String component) {
        Path dir = component(component);
        Path file = dir.resolve(component.equals("scheduler") ? "scheduler_config.json" : "config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("Model folder " + root + ": " + file + " is missing.");
        }
        return file;
    }

    /**
     * The safetensors weights of a component: {@code <stem>.safetensors}, else {@code <stem>.fp16.safetensors}.
     * PyTorch {@code .bin} weights are refused with a hint, since reading pickles would run foreign code.
     */
    public Path weights(String component) {
        Path dir = component(component);
        String stem = component.equals("text_encoder") ? "model" : "diffusion_pytorch_model";
        for (String name : List.of(stem + ".safetensors", stem + ".fp16.safetensors")) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> any = files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (any.size() == 1) {
                return any.get(0);
            }
            boolean bin = Files.isRegularFile(dir.resolve(stem + ".bin")) || Files.isRegularFile(dir.resolve(stem + ".fp16.bin"));
            throw new ModelFormatException("Model folder " + dir + " has no " + stem + ".safetensors"
                    + (bin ? "; it only has PyTorch .bin weights, which are not read (convert them to safetensors, "
                    + "or download the model's safetensors files)" : "") + ".");
        } catch (IOException e) {
            throw new ModelFormatException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
