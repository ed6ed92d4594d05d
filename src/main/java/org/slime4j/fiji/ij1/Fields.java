package org.slime4j.fiji.ij1;

import ij.Macro;
import ij.gui.GenericDialog;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ImageJ 1.x side of a command's parameters: a GenericDialog with a display (which takes its values from the
 * macro options without showing when a macro runs it), or the macro options alone when headless. Labels are the
 * parameter names, so a recorded macro's keys are the SciJava commands' too. A checkbox is true when its key
 * stands as a word in the options, as ImageJ records it.
 */
final class Fields {
    enum Kind { TEXT, FILE, FOLDER, CHOICE, NUMBER, FLAG }

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

    /** The values by key, or null when the user cancelled the dialog. */
    Map<String, String> ask(String title) {
        String options = Macro.getOptions();
        Map<String, String> out = new LinkedHashMap<>();
        if (GraphicsEnvironment.isHeadless()) {
            if (options == null) {
                throw new IllegalStateException(title + " needs macro options when ImageJ runs headless");
            }
            for (Field f : fields) {
                out.put(f.key, f.kind == Kind.FLAG
                        ? Boolean.toString(Pattern.compile("(^|\\s)" + Pattern.quote(f.key) + "(\\s|$)").matcher(options).find())
                        : Macro.getValue(options, f.key, f.fallback));
            }
            return out;
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
            }
        }
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        for (Field f : fields) {
            out.put(f.key, switch (f.kind) {
                case TEXT, FILE, FOLDER -> gd.getNextString();
                case CHOICE -> gd.getNextChoice();
                case NUMBER -> Double.toString(gd.getNextNumber());
                case FLAG -> Boolean.toString(gd.getNextBoolean());
            });
        }
        return out;
    }
}
