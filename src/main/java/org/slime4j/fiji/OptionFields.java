package org.slime4j.fiji;

import java.lang.reflect.Field;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.scijava.plugin.Parameter;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;

/**
 * A SciJava command's fields named after table options ({@link SlimeOption}, {@link ExecutionOption} keys: a
 * command that shows {@code epochs} has a field {@code epochs}), read as the options they stand for; a field is the
 * only thing a command declares for an option it shows.
 */
final class OptionFields {
    private OptionFields() {
    }

    /** The defaults with every {@link SlimeOption} the command has a field for set to the field's value. */
    static SlimeOptions slimeOptions(Object command) {
        Map<SlimeOption, Object> values = new EnumMap<>(SlimeOption.class);
        fields(command).forEach((name, value) -> {
            SlimeOption o = SlimeOption.byKey(name);
            if (o != null) {
                values.put(o, value);
            }
        });
        return SlimeOptions.defaults().with(values);
    }

    /**
     * The {@link SlimeOption}s the user gave: the keys a macro gave, else the fields changed from their defaults
     * (a dialog shows every field; one left at its default is not a choice to hold against a continued file's).
     */
    static Set<SlimeOption> given(SlimeCommand command) {
        Set<SlimeOption> given = EnumSet.noneOf(SlimeOption.class);
        Set<String> macro = command.macroKeys();
        fields(command).forEach((name, value) -> {
            SlimeOption o = SlimeOption.byKey(name);
            if (o != null && (macro != null ? macro.contains(name) : !o.coerce(value).equals(o.defaultValue()))) {
                given.add(o);
            }
        });
        return given;
    }

    /** The {@link ExecutionOption}s the command has a field for, as text for {@code Execution.resolve}. */
    static Map<ExecutionOption, String> execution(Object command) {
        Map<ExecutionOption, String> given = new EnumMap<>(ExecutionOption.class);
        Map<String, Object> fields = fields(command);
        for (ExecutionOption o : ExecutionOption.values()) {
            if (fields.get(o.key()) != null) {
                given.put(o, String.valueOf(fields.get(o.key())));
            }
        }
        return given;
    }

    /** The command's {@code @Parameter} fields by name, its superclasses' included. */
    private static Map<String, Object> fields(Object command) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Class<?> c = command.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(Parameter.class)) {
                    try {
                        f.setAccessible(true);
                        out.putIfAbsent(f.getName(), f.get(command));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }
}
