package org.slime4j.core.slime;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one mapping between {@link SlimeOptions} and a {@code .slime} file's metadata, driven by {@link SlimeOption}:
 * the working size and the layers as keys of their own (format 1), every other option in the JSON object
 * {@code options} under its key. Numbers are written and read as their exact text (seeds above 2^53 included); a
 * key missing from an older file reads as its default.
 */
final class OptionsMetadata {
    private static final Gson GSON = new Gson();
    /** The options stored as metadata keys of their own, as format 1 has them. */
    private static final List<SlimeOption> OWN_KEYS = List.of(SlimeOption.WORKING_SIZE, SlimeOption.CROSS_LAYERS,
            SlimeOption.SELF_LAYERS);

    private OptionsMetadata() {
    }

    /** The metadata keys and values that store {@code o}. */
    static Map<String, String> write(SlimeOptions o) {
        Map<String, String> meta = new LinkedHashMap<>();
        JsonObject options = new JsonObject();
        for (SlimeOption option : SlimeOption.values()) {
            Object v = option.of(o);
            if (OWN_KEYS.contains(option)) {
                meta.put(option.key(), v instanceof List<?> list ? GSON.toJson(list) : option.format(v));
            } else if (v instanceof Boolean b) {
                options.addProperty(option.key(), b);
            } else {
                options.addProperty(option.key(), (Number) v);
            }
        }
        meta.put("options", GSON.toJson(options));
        return meta;
    }

    /**
     * The options stored by {@link #write}; {@code required} reads a key that must be there (or throws naming it).
     */
    static SlimeOptions read(Function<String, String> required) {
        JsonObject options = JsonParser.parseString(required.apply("options")).getAsJsonObject();
        Map<SlimeOption, Object> values = new EnumMap<>(SlimeOption.class);
        for (SlimeOption option : SlimeOption.values()) {
            if (OWN_KEYS.contains(option)) {
                String text = required.apply(option.key());
                values.put(option, option.type() == SlimeOption.Type.LAYERS
                        ? option.coerce(List.of(GSON.fromJson(text, String[].class))) : option.parse(text));
            } else {
                JsonElement e = options.get(option.key());
                values.put(option, e == null || e.isJsonNull() ? option.defaultValue() : option.parse(e.getAsString()));
            }
        }
        return SlimeOptions.defaults().with(values);                 // all at once: some fields bound others
    }
}
