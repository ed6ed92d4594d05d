package org.slime4j.core.slime;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slime4j.core.model.ModelIdentity;
import org.slime4j.core.weights.ModelFormatException;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.SafeTensorsWriter;
import org.slime4j.core.weights.TensorInfo;

/**
 * What training produces and segmentation needs, stored as a {@code .slime} file (safetensors): the K-1 learned
 * vectors, the fixed text context, and metadata: part names, base model identity, working size, layers and the other
 * options, the input-mapping rule, creation time, format version. Immutable.
 */
public record LearnedParts(List<String> partNames, float[][] vectors, TextContext text, ModelIdentity baseModel,
                           SlimeOptions options, InputMapping inputMapping, String created, Continuation continuation) {
    public static final String FORMAT = "slime";
    public static final int VERSION = 1;
    private static final Gson GSON = new Gson();

    public LearnedParts {
        partNames = List.copyOf(partNames);
        if (inputMapping == InputMapping.AUTO) {
            throw new IllegalArgumentException("learned parts store the resolved input mapping, not auto");
        }
        if (partNames.size() != text.parts() || vectors.length != text.parts() - 1) {
            throw new IllegalArgumentException(partNames.size() + " part names, " + vectors.length
                    + " vectors and a context of " + text.parts() + " parts do not agree");
        }
    }

    public int parts() {
        return partNames.size();
    }

    /** Writes the file atomically; refuses to replace an existing one unless {@code overwrite}. */
    public void save(Path file, boolean overwrite) throws IOException {
        int d = text.width();
        float[] flat = Rows.flat(vectors);
        SafeTensorsWriter w = new SafeTensorsWriter();
        if (continuation != null) {
            continuation.write(w);
        }
        w
                .put("vectors", SafeTensorsWriter.Tensor.floats(flat, vectors.length, d))
                .put("text", SafeTensorsWriter.Tensor.floats(text.text(), text.length(), d))
                .put("uncond", SafeTensorsWriter.Tensor.floats(text.uncond(), text.length(), d))
                .metadata("format", FORMAT)
                .metadata("format_version", Integer.toString(VERSION))
                .metadata("part_names", GSON.toJson(partNames))
                .metadata("base_model", baseModel.name())
                .metadata("base_model_fingerprint", baseModel.fingerprint())
                .metadata("base_model_weights", baseModel.weights() == null ? "" : baseModel.weights())
                .metadata("input_mapping", inputMapping.storedName())
                .metadata("created", created == null ? Instant.now().toString() : created);
        OptionsMetadata.write(options).forEach(w::metadata);
        w.write(file, overwrite);
    }

    /** The first 16 hex digits of {@code file}'s SHA-256: which learned parts made a result. */
    public static String sha256(Path file) throws IOException {
        return Resumption.sha256(file);
    }

    /** Reads a {@code .slime} file, saying which key or tensor is wrong when it is not one. */
    public static LearnedParts load(Path file) throws IOException {
        checkIsSlimeFile(file);
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, String> meta = st.metadata();
            String format = meta.get("format");
            if (!FORMAT.equals(format)) {
                throw bad(file, "is not a SLiMe learned-parts file (metadata 'format' is " + format + ")");
            }
            int version = Integer.parseInt(required(file, meta, "format_version"));
            if (version > VERSION) {
                throw bad(file, "has format version " + version + "; this plugin reads up to " + VERSION
                        + ": update the plugin");
            }
            List<String> names = GSON.fromJson(required(file, meta, "part_names"),
                    new TypeToken<List<String>>() { }.getType());
            TensorInfo v = tensor(file, st, "vectors");
            TensorInfo t = tensor(file, st, "text");
            tensor(file, st, "uncond");
            int d = (int) v.shape()[1];
            if (v.shape()[0] != names.size() - 1 || t.shape()[1] != d) {
                throw bad(file, "has " + v.shape()[0] + " vectors of width " + d + " for " + names.size()
                        + " parts and a context of width " + t.shape()[1]);
            }
            float[][] vectors = Rows.split(st.readFloats("vectors"), names.size() - 1);
            TextContext text = new TextContext(names.size(), (int) t.shape()[0], d, st.readFloats("text"),
                    st.readFloats("uncond"));
            SlimeOptions options = OptionsMetadata.read(key -> required(file, meta, key));
            String weights = meta.get("base_model_weights");
            return new LearnedParts(names, vectors, text, new ModelIdentity(required(file, meta, "base_model"),
                    required(file, meta, "base_model_fingerprint"), weights == null || weights.isBlank() ? null
                    : weights), options,
                    InputMapping.fromStored(meta.getOrDefault("input_mapping", "reference")), meta.get("created"),
                    Continuation.read(st, meta, vectors.length, d));
        } catch (RuntimeException e) {
            if (e instanceof ModelFormatException m) {
                throw m;
            }
            throw bad(file, "has unreadable metadata: " + e.getMessage());
        }
    }

    /** Empty when this file fits {@code model}; else one line per difference. */
    public List<String> mismatches(ModelIdentity model, int textWidth) {
        List<String> out = new ArrayList<>();
        if (text.width() != textWidth) {
            out.add("text width: learned " + text.width() + ", base model " + textWidth);
        }
        if (!baseModel.fingerprint().equals(model.fingerprint())) {
            out.add("base model: learned on '" + baseModel.name() + "' (fingerprint " + baseModel.fingerprint()
                    + "), given '" + model.name() + "' (fingerprint " + model.fingerprint() + ")");
        }
        return out;
    }

    /** A message naming the file when it is missing, a folder, or not safetensors at all. */
    private static void checkIsSlimeFile(Path file) throws IOException {
        if (file.toString().isBlank()) {
            throw new java.io.FileNotFoundException("No learned-parts file given: choose the .slime file SLiMe Train "
                    + "wrote.");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException("Learned-parts file " + file + " does not exist"
                    + (java.nio.file.Files.isDirectory(file) ? " (it is a folder)" : "")
                    + ": choose the .slime file SLiMe Train wrote.");
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] head = in.readNBytes(9);
            if (head.length < 9 || head[8] != '{') {                           // safetensors: length, then JSON
                throw bad(file, "is not a SLiMe learned-parts file (.slime): choose the file SLiMe Train wrote");
            }
        }
    }

    private static String required(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw bad(file, "lacks metadata '" + key + "'");
        }
        return v;
    }

    private static TensorInfo tensor(Path file, SafeTensors st, String name) {
        if (!st.tensors().containsKey(name)) {
            throw bad(file, "lacks the tensor '" + name + "'");
        }
        return st.info(name);
    }

    /** What {@code slime info FILE.slime} prints: parts, base model, working size, options, creation. */
    public List<String> describe() {
        List<String> out = new java.util.ArrayList<>();
        out.add("parts      " + partNames);
        out.add("base model " + baseModel.name() + " (fingerprint " + baseModel.fingerprint()
                + (baseModel.weights() == null ? "" : ", weights " + baseModel.weights()) + ")");
        out.add("size       S = " + options.workingSize() + ", " + text.width() + "-wide vectors");
        out.add("options    epochs " + options.epochs() + ", learning rate " + options.learningRate() + ", seed "
                + options.seed() + ", test t " + options.testT() + ", " + options.patchesPerSide() + "×"
                + options.patchesPerSide() + " crops, threshold " + options.patchThreshold());
        out.add("layers     cross " + options.crossLayers().size() + ", self " + options.selfLayers().size());
        out.add("input      " + inputMapping.storedName());
        out.add("created    " + created);
        if (continuation != null) {
            out.add("trained    " + continuation.state().epochs() + " epochs, kept epoch "
                    + continuation.state().bestEpoch() + "; can be trained further (train --init)");
            int round = 1;
            for (Continuation.Round r : continuation.lineage()) {
                out.add("round " + round++ + "    " + r.epochs() + " epochs on " + r.images().size() + " image(s) "
                        + r.images() + (r.parent() == null ? "" : ", continuing file " + r.parent()));
            }
        }
        return out;
    }

    private static ModelFormatException bad(Path file, String what) {
        return new ModelFormatException("Learned-parts file " + file + " " + what + ".");
    }
}
