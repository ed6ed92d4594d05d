package org.slime4j.ij1;

import ij.Macro;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.imagej.MacroOptions;

/**
 * The ImageJ 1.x side of a command's parameters: the macro options alone when a macro runs the command (read as
 * {@link MacroOptions} reads them: {@code key=value}, a checkbox as {@code key=true/false} or its key as a word; a key
 * not given keeps its default, as in Fiji; an unknown key is an error), else a GenericDialog. Labels are the
 * parameter names, so a recorded macro's keys are the SciJava commands' too; the recorder writes every value as
 * {@code key=value}, checkboxes as {@code key=true/false}, the form both hosts read.
 */
final class Fields {
    enum Kind { TEXT, FILE, FOLDER, CHOICE, NUMBER, FLAG, NOTE }

    private record Field(Kind kind, String key, String fallback, String[] choices) {
    }

    private final List<Field> fields = new ArrayList<>();

    Fields text(String key, String fallback) {
        fields.add(new Field(Kind.TEXT, key, fallback, null));
        return this;
    }

    /** A path with a Browse button for a file. */
    Fields file(String key, String fallback) {
        fields.add(new Field(Kind.FILE, key, fallback, null));
        return this;
    }

    /** A path with a Browse button for a folder. */
    Fields folder(String key, String fallback) {
        fields.add(new Field(Kind.FOLDER, key, fallback, null));
        return this;
    }

    Fields choice(String key, String fallback, String... choices) {
        fields.add(new Field(Kind.CHOICE, key, fallback, choices));
        return this;
    }

    Fields number(String key, double fallback) {
        fields.add(new Field(Kind.NUMBER, key, fallback == Math.rint(fallback) ? Long.toString((long) fallback)
                : Double.toString(fallback), null));
        return this;
    }

    Fields flag(String key, boolean fallback) {
        fields.add(new Field(Kind.FLAG, key, Boolean.toString(fallback), null));
        return this;
    }

    /** A line of text in the dialog (no value; not in a macro's keys). */
    Fields note(String text) {
        fields.add(new Field(Kind.NOTE, text, "", null));
        return this;
    }

    /** A field for a {@link SlimeOption}: its key, its default, a checkbox for a flag. */
    Fields option(SlimeOption o) {
        return option(o, SlimeOptions.defaults());
    }

    /** A field for a {@link SlimeOption} proposing its value in {@code initial}. */
    Fields option(SlimeOption o, SlimeOptions initial) {
        Object value = o.of(initial);
        return switch (o.type()) {
            case FLAG -> flag(o.key(), (boolean) value);
            case LONG, LAYERS -> text(o.key(), o.format(value));             // a dialog's number is a double
            default -> number(o.key(), ((Number) value).doubleValue());
        };
    }

    /** A field for an {@link ExecutionOption}: a choice or a number, proposing what a run without it would use. */
    Fields option(ExecutionOption o) {
        return o.choices().isEmpty() ? number(o.key(), Double.parseDouble(o.initial()))
                : choice(o.key(), o.initial(), o.choices().toArray(String[]::new));
    }

    /** The defaults with the value of every {@link SlimeOption} field read, checked by the table. */
    static SlimeOptions slimeOptions(Map<String, String> values) {
        Map<SlimeOption, Object> given = new EnumMap<>(SlimeOption.class);
        values.forEach((key, text) -> {
            SlimeOption o = SlimeOption.byKey(key);
            if (o != null) {
                given.put(o, o.parse(o.type() == SlimeOption.Type.FLAG ? text : integral(o, text)));
            }
        });
        return SlimeOptions.defaults().with(given);
    }

    /**
     * The {@link SlimeOption}s the user gave: the keys of the macro that runs the command, else the fields changed
     * from their defaults in the dialog.
     */
    static Set<SlimeOption> given(Map<String, String> values) {
        String options = Macro.getOptions();
        Set<String> macro = options == null ? null : MacroOptions.parse(options).keys();
        SlimeOptions read = slimeOptions(values);
        Set<SlimeOption> given = EnumSet.noneOf(SlimeOption.class);
        for (String key : values.keySet()) {
            SlimeOption o = SlimeOption.byKey(key);
            if (o != null && (macro != null ? macro.contains(key) : !o.of(read).equals(o.defaultValue()))) {
                given.add(o);
            }
        }
        return given;
    }

    /** The {@link ExecutionOption} fields read, as text for {@code Execution.resolve}. */
    static Map<ExecutionOption, String> execution(Map<String, String> values) {
        Map<ExecutionOption, String> given = new EnumMap<>(ExecutionOption.class);
        for (ExecutionOption o : ExecutionOption.values()) {
            if (values.containsKey(o.key())) {
                given.put(o, o.choices().isEmpty() ? Integer.toString(integer(values, o.key())) : values.get(o.key()));
            }
        }
        return given;
    }

    /** A dialog's number as the option's type reads it ("200.0" -> "200" for a whole number). */
    private static String integral(SlimeOption o, String text) {
        if (o.type() == SlimeOption.Type.INT || o.type() == SlimeOption.Type.LONG) {
            try {
                return Long.toString(Long.parseLong(text.trim()));              // exact, a seed above 2^53 too
            } catch (NumberFormatException notWhole) {
                // a dialog's "200.0" below
            }
            try {
                double d = Double.parseDouble(text.trim());
                if (d == Math.rint(d) && Math.abs(d) < 9e15) {
                    return Long.toString((long) d);
                }
            } catch (NumberFormatException e) {
                // the table says what is wrong
            }
        }
        return text;
    }

    /**
     * The values by key from macro options alone ({@code key=value}, {@code key=[a value with spaces]}, a checkbox
     * as {@code key=true/false} or its key as a word); a key not given keeps its default; a key that is none of the
     * fields is an error naming it and the command.
     */
    Map<String, String> read(String options) {
        MacroOptions given = MacroOptions.parse(options);
        given.checkKeys(fields.stream().filter(f -> f.kind != Kind.NOTE).map(Field::key).toList());
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields) {
            if (f.kind == Kind.NOTE) {
                continue;
            }
            out.put(f.key, f.kind == Kind.FLAG ? Boolean.toString(given.flag(f.key, Boolean.parseBoolean(f.fallback)))
                    : given.has(f.key) && given.value(f.key) != null ? given.value(f.key) : f.fallback);
        }
        return out;
    }

    /** A number field as a whole number, or an error naming the key and the value. */
    static int integer(Map<String, String> values, String key) {
        double d = decimal(values, key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + values.get(key));
        }
        return (int) d;
    }

    /** A number field as a long (a seed), or an error naming the key and the value. */
    static long whole(Map<String, String> values, String key) {
        double d = decimal(values, key);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + values.get(key));
        }
        return (long) d;
    }

    /** A number field, or an error naming the key and the value. */
    static double decimal(Map<String, String> values, String key) {
        String v = values.get(key);
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }

    static boolean flag(Map<String, String> values, String key) {
        return Boolean.parseBoolean(values.get(key));
    }

    /** A file or folder field as a path; null when left blank. */
    static java.nio.file.Path path(Map<String, String> values, String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : java.nio.file.Path.of(v.trim());
    }

    /** The values by key (from the macro's options when a macro runs the command), or null on cancel. */
    Map<String, String> ask(String title) {
        String options = Macro.getOptions();
        if (options != null) {
            return read(options);
        }
        if (GraphicsEnvironment.isHeadless()) {
            throw new IllegalStateException(title + " needs macro options when ImageJ runs headless");
        }
        GenericDialog gd = new GenericDialog(title);
        for (Field f : fields) {
            switch (f.kind) {
                case TEXT -> gd.addStringField(f.key, f.fallback, 30);
                case FILE -> gd.addFileField(f.key, f.fallback, 30);
                case FOLDER -> gd.addDirectoryField(f.key, f.fallback, 30);
                case CHOICE -> gd.addChoice(f.key, f.choices, f.fallback);
                case NUMBER -> gd.addNumericField(f.key, Double.parseDouble(f.fallback), f.fallback.contains(".") ? 4 : 0);
                case FLAG -> gd.addCheckbox(f.key, Boolean.parseBoolean(f.fallback));
                case NOTE -> gd.addMessage(f.key);
            }
        }
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields) {
            if (f.kind != Kind.NOTE) {
                out.put(f.key, switch (f.kind) {
                    case TEXT, FILE, FOLDER -> gd.getNextString();
                    case CHOICE -> gd.getNextChoice();
                    case NUMBER -> number(gd.getNextNumber());
                    default -> Boolean.toString(gd.getNextBoolean());
                });
            }
        }
        record(out);
        return out;
    }

    /**
     * Replaces what the dialog recorded (a checked box as a bare word, an unchecked one not at all, which a replay
     * would read as the default) by every value as {@code key=value}, checkboxes as {@code key=true/false}.
     */
    private static void record(Map<String, String> values) {
        if (!Recorder.record || Recorder.getCommand() == null) {
            return;
        }
        Recorder.resetCommandOptions();
        values.forEach((key, value) -> {
            if (!value.isBlank()) {
                Recorder.recordOption(key, value);
            }
        });
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
