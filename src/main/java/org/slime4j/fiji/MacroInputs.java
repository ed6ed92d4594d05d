package org.slime4j.fiji;

import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;
import org.slime4j.imagej.MacroOptions;

/**
 * Reads the options of a macro's {@code run("SLiMe ...", options)} for SLiMe's SciJava commands as {@link
 * MacroOptions} does, so that Fiji and plain ImageJ 1.x read one macro alike: a checkbox as {@code key=true/false} or
 * its key as a word (which Fiji's own macro handling drops), a key not given keeps its default (not the value
 * persisted from the last dialog, and no dialog opens mid-macro), an unknown key fails the command naming it, and the
 * image is the one named by {@code image=[title]}, else the current image (also headless, where nothing else fills
 * it). Runs after imagej-legacy's macro and active-image preprocessors and before initializers, persisted values,
 * dialogs and the required-input check. Does nothing outside a macro, or for other commands.
 */
@Plugin(type = PreprocessorPlugin.class, priority = Priority.HIGH + 1)
public class MacroInputs extends AbstractPreprocessorPlugin {
    @Override
    public void process(Module module) {
        if (!(module.getDelegateObject() instanceof SlimeCommand command)) {
            return;
        }
        String options = Macro.getOptions();
        if (options == null) {
            return;
        }
        try {
            MacroOptions given = MacroOptions.parse(options);
            List<ModuleItem<?>> inputs = userInputs(module);
            given.checkKeys(inputs.stream().map(ModuleItem::getName).toList());
            command.macroKeys(given.keys());
            for (ModuleItem<?> input : inputs) {
                String name = input.getName();
                if (input.getType() == ImagePlus.class) {
                    module.setInput(name, image(given.value(name), (ImagePlus) module.getInput(name)));
                } else if (given.has(name)) {
                    module.setInput(name, value(input, given));
                }
                module.resolveInput(name);                   // given, or its default: never a persisted value
            }
        } catch (RuntimeException e) {
            command.log.error(command.label() + ": " + e.getMessage());
            SlimeCommand.stopMacro();
            cancel(e.getMessage());
        }
    }

    /** The inputs a user gives (not services or the context). */
    static List<ModuleItem<?>> userInputs(Module module) {
        List<ModuleItem<?>> out = new ArrayList<>();
        for (ModuleItem<?> input : module.getInfo().inputs()) {
            if (!Service.class.isAssignableFrom(input.getType())
                    && !org.scijava.Context.class.isAssignableFrom(input.getType())) {
                out.add(input);
            }
        }
        return out;
    }

    /** The image titled {@code title}, else the one already set, else the current image; an error when none. */
    private static ImagePlus image(String title, ImagePlus set) {
        if (title != null && !title.isBlank()) {
            ImagePlus named = WindowManager.getImage(title.trim());
            if (named == null) {
                throw new IllegalArgumentException("no open image is titled '" + title + "'");
            }
            return named;
        }
        ImagePlus imp = set != null ? set : WindowManager.getCurrentImage();
        if (imp == null) {
            throw new IllegalArgumentException("no image: open one first (open(path) in the macro), or name an open "
                    + "one with image=[title]");
        }
        return imp;
    }

    /** A given option as the input's type. */
    private static Object value(ModuleItem<?> input, MacroOptions given) {
        String name = input.getName();
        Class<?> type = input.getType();
        if (type == boolean.class || type == Boolean.class) {
            return given.flag(name, false);
        }
        String v = given.value(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " needs a value: " + name + "=...");
        }
        try {
            if (type == String.class) {
                return v;
            } else if (type == File.class) {
                return v.isBlank() ? null : new File(v.trim());
            } else if (type == int.class || type == Integer.class) {
                return Integer.parseInt(v.trim());
            } else if (type == long.class || type == Long.class) {
                return Long.parseLong(v.trim());
            } else if (type == double.class || type == Double.class) {
                return Double.parseDouble(v.trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a " + (type == double.class ? "number" : "whole number")
                    + ", got '" + v + "'");
        }
        throw new IllegalStateException("no macro conversion for " + name + " of type " + type.getName());
    }
}
