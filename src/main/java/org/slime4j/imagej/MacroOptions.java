package org.slime4j.imagej;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options string of a macro's {@code run("SLiMe ...", options)}, read as both hosts write it: {@code key=value},
 * {@code key=[a value with spaces]}, and for a checkbox {@code key=true} / {@code key=false} (Fiji's recorder, and the
 * form the documentation uses) or the key alone as a word (ImageJ 1.x's recorder: checked). Fiji hands a SciJava
 * command only {@code key=value} pairs and drops bare words; ImageJ 1.x's dialogs read only bare words: SLiMe's
 * commands read both forms in both hosts, and a key they do not have is an error, not a silent default. Immutable.
 */
public final class MacroOptions {
    private final Map<String, String> values;          // a bare word maps to null

    private MacroOptions(Map<String, String> values) {
        this.values = values;
    }

    /** The keys and values of {@code options}, as ImageJ's {@code Macro.getValue} finds them. */
    public static MacroOptions parse(String options) {
        Map<String, String> values = new LinkedHashMap<>();
        String s = options == null ? "" : options;
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(start, i).toLowerCase();
            if (i >= s.length() || s.charAt(i) != '=') {
                values.putIfAbsent(key, null);
                continue;
            }
            i++;                                                      // past '='
            int end;
            String value;
            if (i < s.length() && s.charAt(i) == '[') {
                end = s.indexOf(']', i + 1);
                end = end < 0 ? s.length() : end;
                value = s.substring(i + 1, end);
                i = Math.min(s.length(), end + 1);
            } else {
                end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                value = s.substring(i, end);
                i = end;
            }
            values.putIfAbsent(key, value);
        }
        return new MacroOptions(values);
    }

    /** Every key given, in order. */
    public java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(values.keySet());
    }

    /** Whether {@code key} is given, with a value or as a word. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value of {@code key}; null when it is not given or given as a bare word. */
    public String value(String key) {
        return values.get(key);
    }

    /**
     * A checkbox: its key as a word or {@code key=true} is true, {@code key=false} false, absent {@code fallback};
     * any other value is an error naming the key.
     */
    public boolean flag(String key, boolean fallback) {
        if (!values.containsKey(key)) {
            return fallback;
        }
        String v = values.get(key);
        if (v == null || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }

    /** Whether {@code key} is given as a bare word (ImageJ 1.x's form of a checked box). */
    public boolean isWord(String key) {
        return values.containsKey(key) && values.get(key) == null;
    }

    /** The given keys that are none of {@code known}, in the order given. */
    public List<String> unknown(Collection<String> known) {
        List<String> out = new ArrayList<>();
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * Refuses keys that are none of {@code known}: a misspelt key would otherwise leave its value at the default
     * without a word. The message names the key and the keys there are.
     */
    public void checkKeys(Collection<String> known) {
        List<String> unknown = unknown(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()) + " (misspelt?); the "
                    + "options are: " + String.join(" ", known));
        }
    }
}
