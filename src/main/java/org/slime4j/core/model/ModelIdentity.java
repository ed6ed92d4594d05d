package org.slime4j.core.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.slime4j.core.weights.SafeTensors;
import org.slime4j.core.weights.TensorInfo;

/**
 * Which base model a learned-parts file belongs to: a readable name; a SHA-256 fingerprint of the text encoder's and
 * UNet's configs (without bookkeeping keys such as {@code _diffusers_version} or {@code torch_dtype}) and of the text
 * encoder's tensor names and shapes (the architecture: learned parts cannot run on another); and a hash of sampled
 * weight values of the text encoder, VAE and UNet ({@code weights}; null in files written before it was recorded),
 * which tells a fine-tune or another release of the same architecture apart. fp16 and fp32 copies of one model share
 * both.
 */
public record ModelIdentity(String name, String fingerprint, String weights) {
    /** Values sampled per tensor for {@link #weights}. */
    private static final int SAMPLES = 16;

    /** An identity known by architecture only (older files). */
    public ModelIdentity(String name, String fingerprint) {
        this(name, fingerprint, null);
    }

    /** Whether both know their weights and they differ: the same architecture, other weights. */
    public boolean otherWeightsThan(ModelIdentity other) {
        return weights != null && other.weights != null && !weights.equals(other.weights);
    }

    public static ModelIdentity of(ModelFolder folder) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String component : new String[] {"text_encoder", "unet"}) {
                digest.update(canonical(folder.config(component)).getBytes(StandardCharsets.UTF_8));
            }
            try (SafeTensors te = SafeTensors.open(folder.weights("text_encoder"))) {
                for (TensorInfo t : te.tensors().values()) {
                    digest.update((t.name() + t.shapeString() + ";").getBytes(StandardCharsets.UTF_8));
                }
            }
            MessageDigest sampled = MessageDigest.getInstance("SHA-256");
            for (String component : new String[] {"text_encoder", "vae", "unet"}) {
                try (SafeTensors st = SafeTensors.open(folder.weights(component))) {
                    st.sampleInto(sampled, SAMPLES);
                }
            }
            return new ModelIdentity(name(folder.root()), HexFormat.of().formatHex(digest.digest()).substring(0, 16),
                    HexFormat.of().formatHex(sampled.digest()).substring(0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String canonical(Path config) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8)).getAsJsonObject();
        Map<String, JsonElement> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("_") && !k.equals("torch_dtype") && !k.equals("transformers_version")
                    && !k.equals("architectures")) {
                sorted.put(k, e.getValue());
            }
        }
        return sorted.toString();
    }

    /** {@code org/name@commit} for a Hugging Face cache snapshot, else the folder's name. */
    static String name(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        for (Path p = abs; p != null && p.getFileName() != null; p = p.getParent()) {
            String n = p.getFileName().toString();
            if (n.startsWith("models--")) {
                String repo = n.substring("models--".length()).replace("--", "/");
                Path rel = p.relativize(abs);
                return rel.getNameCount() >= 2 && rel.getName(0).toString().equals("snapshots")
                        ? repo + "@" + rel.getName(1) : repo;
            }
        }
        return abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    }
}
