package org.slime4j.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.weights.ModelFormatException;

/**
 * Typed access to one {@code config.json}, the single place where configs are read. Every failure names the file,
 * the key and what was found.
 */
final class JsonConfig {
    private final Path file;
    private final JsonObject json;

    private JsonConfig(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    public static JsonConfig read(Path file) {
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!root.isJsonObject()) {
                throw new ModelFormatException("Config " + file + " is not a JSON object.");
            }
            return new JsonConfig(file, root.getAsJsonObject());
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("Config " + file + " does not exist.");
        } catch (IOException e) {
            throw new ModelFormatException("Config " + file + " cannot be read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new ModelFormatException("Config " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    private JsonElement required(String key) {
        if (!has(key)) {
            throw new ModelFormatException("Config " + file + " has no '" + key + "'.");
        }
        return json.get(key);
    }

    private ModelFormatException wrongType(String key, String expected) {
        return new ModelFormatException("Config " + file + ": '" + key + "' should be " + expected + " but is "
                + json.get(key) + ".");
    }

    public int integer(String key) {
        JsonElement e = required(key);
        try {
            return e.getAsBigDecimal().intValueExact();
        } catch (RuntimeException ex) {
            throw wrongType(key, "an integer");
        }
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    public double number(String key) {
        JsonElement e = required(key);
        try {
            return e.getAsBigDecimal().doubleValue();
        } catch (RuntimeException ex) {
            throw wrongType(key, "a number");
        }
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrongType(key, "true or false");
        }
        return e.getAsBoolean();
    }

    public String string(String key) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(key, "a string");
        }
        return e.getAsString();
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public List<String> strings(String key) {
        JsonElement e = required(key);
        List<String> out = new ArrayList<>();
        if (!e.isJsonArray()) {
            throw wrongType(key, "a list of strings");
        }
        for (JsonElement x : e.getAsJsonArray()) {
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                throw wrongType(key, "a list of strings");
            }
            out.add(x.getAsString());
        }
        return List.copyOf(out);
    }

    public int[] integers(String key) {
        JsonElement e = required(key);
        if (!e.isJsonArray()) {
            throw wrongType(key, "a list of integers");
        }
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        try {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).getAsBigDecimal().intValueExact();
            }
        } catch (RuntimeException ex) {
            throw wrongType(key, "a list of integers");
        }
        return out;
    }

    /** An integer given either once for all {@code n} blocks or as a list of {@code n}. */
    public int[] integerPerBlock(String key, int n) {
        JsonElement e = required(key);
        if (e.isJsonArray()) {
            int[] list = integers(key);
            if (list.length != n) {
                throw new ModelFormatException("Config " + file + ": '" + key + "' has " + list.length
                        + " entries but the model has " + n + " blocks.");
            }
            return list;
        }
        int v = integer(key);
        int[] out = new int[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** A positive integer, checked. */
    public int positive(String key) {
        int v = integer(key);
        if (v <= 0) {
            throw new ModelFormatException("Config " + file + ": '" + key + "' must be positive but is " + v + ".");
        }
        return v;
    }
}
