package org.slime4j.core.clip;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slime4j.core.weights.ModelFormatException;

/**
 * CLIP's byte-level BPE tokenizer, read from a diffusers {@code tokenizer/} folder ({@code vocab.json},
 * {@code merges.txt}, the pad token from {@code special_tokens_map.json} or {@code tokenizer_config.json}).
 *
 * <p>{@link #encode} gives {@code [BOS] + first (length-2) tokens + [EOS]}, padded to {@code length} with the
 * folder's pad token, as {@code CLIPTokenizer(..., padding="max_length", truncation=True)} does. Text is cleaned as
 * ftfy would for ordinary input (Unicode NFC, curly quotes straightened), whitespace collapsed, lower-cased.
 * Thread-safe.
 */
public final class ClipTokenizer {
    /** transformers keeps the first 49152 - 256 - 2 merges, whatever the file holds. */
    private static final int MAX_MERGES = 49152 - 256 - 2;
    private static final String BOS = "<|startoftext|>";
    private static final String EOS = "<|endoftext|>";
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final String[] BYTE_CHARS = byteToUnicode();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final int bos;
    private final int eos;
    private final int pad;
    private final int length;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, int pad, int length,
                          Path folder) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.bos = id(vocab, BOS, folder);
        this.eos = id(vocab, EOS, folder);
        this.pad = pad;
        this.length = length;
        cache.put(BOS, BOS);
        cache.put(EOS, EOS);
    }

    /** Reads the tokenizer files of {@code folder}; {@code length} is the text encoder's context (77). */
    public static ClipTokenizer load(Path folder, int length) {
        Path vocabFile = folder.resolve("vocab.json");
        Path mergesFile = folder.resolve("merges.txt");
        for (Path f : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(f)) {
                throw new ModelFormatException("Tokenizer file " + f + " is missing (a diffusers tokenizer/ folder "
                        + "holds vocab.json and merges.txt).");
            }
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(vocabFile, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            Map<String, Integer> vocab = new HashMap<>();
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                vocab.put(e.getKey(), e.getValue().getAsInt());
            }
            List<String> lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
            Map<String, Integer> ranks = new HashMap<>();
            int end = Math.min(lines.size(), MAX_MERGES + 1);
            for (int i = 1; i < end; i++) {
                String line = lines.get(i).strip();
                if (!line.isEmpty()) {
                    ranks.putIfAbsent(line, i - 1);
                }
            }
            String padToken = padToken(folder);
            return new ClipTokenizer(vocab, ranks, id(vocab, padToken, folder), length, folder);
        } catch (IOException e) {
            throw new ModelFormatException("Tokenizer folder " + folder + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ModelFormatException m) {
                throw m;
            }
            throw new ModelFormatException("Tokenizer file " + vocabFile + " is not a JSON map of token to id: "
                    + e.getMessage(), e);
        }
    }

    private static String padToken(Path folder) throws IOException {
        for (String name : List.of("special_tokens_map.json", "tokenizer_config.json")) {
            Path f = folder.resolve(name);
            if (Files.isRegularFile(f)) {
                JsonObject o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
                JsonElement p = o.get("pad_token");
                if (p != null && p.isJsonPrimitive()) {
                    return p.getAsString();
                }
                if (p != null && p.isJsonObject() && p.getAsJsonObject().has("content")) {
                    return p.getAsJsonObject().get("content").getAsString();
                }
            }
        }
        return EOS;
    }

    private static int id(Map<String, Integer> vocab, String token, Path folder) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new ModelFormatException("Tokenizer vocabulary " + folder.resolve("vocab.json") + " has no token '"
                    + token + "'.");
        }
        return id;
    }

    public int length() {
        return length;
    }

    public int padId() {
        return pad;
    }

    /** The {@code length} token ids of {@code text}. */
    public long[] encode(String text) {
        List<Integer> tokens = new ArrayList<>();
        Matcher m = WORDS.matcher(clean(text));
        while (m.find()) {
            StringBuilder chars = new StringBuilder();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                chars.append(BYTE_CHARS[b & 0xff]);
            }
            for (String piece : bpe(chars.toString()).split(" ")) {
                tokens.add(vocab.getOrDefault(piece, eos));
            }
        }
        long[] ids = new long[length];
        Arrays.fill(ids, pad);
        ids[0] = bos;
        int n = Math.min(tokens.size(), length - 2);
        for (int i = 0; i < n; i++) {
            ids[i + 1] = tokens.get(i);
        }
        ids[n + 1] = eos;
        return ids;
    }

    static String clean(String text) {
        String fixed = Normalizer.normalize(text, Normalizer.Form.NFC)
                .replace('\u2018', '\'').replace('\u2019', '\'').replace('\u201c', '"').replace('\u201d', '"');
        return fixed.replaceAll("\\s+", " ").strip().toLowerCase(java.util.Locale.ROOT);
    }

    private String bpe(String token) {
        String cached = cache.get(token);
        if (cached != null) {
            return cached;
        }
        List<String> word = new ArrayList<>();
        token.codePoints().forEach(cp -> word.add(new String(Character.toChars(cp))));
        word.set(word.size() - 1, word.get(word.size() - 1) + "</w>");
        while (word.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String first = word.get(best);
            String second = word.get(best + 1);
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < word.size(); i++) {
                if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word.clear();
            word.addAll(merged);
        }
        String result = String.join(" ", word);
        cache.put(token, result);
        return result;
    }

    /** GPT-2's reversible map of the 256 byte values to printable characters. */
    private static String[] byteToUnicode() {
        String[] out = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = new String(Character.toChars(printable ? b : 256 + extra++));
        }
        return out;
    }
}
