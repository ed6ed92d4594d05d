package org.slime4j.core.model;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link TinyModel}'s CLIP tokenizer files: GPT-2's 256 byte symbols (alone and word-final), the merges that make
 * the words "part" and "cell", and the two special tokens; written in the layout of a model's {@code tokenizer/}.
 */
public final class TinyVocabulary {
    private static final List<String> MERGES = List.of("p a", "pa r", "par t</w>", "c e", "ce l", "cel l</w>");

    private TinyVocabulary() {
    }

    /** Every token, by id. */
    public static List<String> words() {
        List<String> v = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            v.add(printable ? new String(Character.toChars(b)) : null);
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (v.get(b) == null) {
                v.set(b, new String(Character.toChars(256 + extra++)));
            }
        }
        List<String> all = new ArrayList<>(v);
        for (String s : v) {
            all.add(s + "</w>");
        }
        for (String m : MERGES) {
            all.add(m.replace(" ", ""));
        }
        all.add("<|startoftext|>");
        all.add("<|endoftext|>");
        return all;
    }

    /** The id of {@code token}. */
    public static int id(String token) {
        return words().indexOf(token);
    }

    /** {@code vocab.json}, {@code merges.txt} and {@code special_tokens_map.json} (padding with {@code pad}). */
    static void write(Path dir, String pad) throws IOException {
        Files.createDirectories(dir);
        StringBuilder vocab = new StringBuilder("{");
        List<String> v = words();
        Gson gson = new Gson();
        for (int i = 0; i < v.size(); i++) {
            vocab.append(i == 0 ? "" : ", ").append(gson.toJson(v.get(i))).append(": ").append(i);
        }
        Files.writeString(dir.resolve("vocab.json"), vocab.append("}").toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", MERGES) + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"" + pad + "\"}",
                StandardCharsets.UTF_8);
    }
}
