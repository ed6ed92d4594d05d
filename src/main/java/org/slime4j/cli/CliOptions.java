package org.slime4j.cli;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slime4j.core.engine.ExecutionOption;
import org.slime4j.core.slime.SlimeOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags the CLI takes from the option tables ({@link SlimeOption}, {@link ExecutionOption}): each command that
 * {@link Takes} them gets one flag per option, named, described, defaulted and checked by the table; a bad value is
 * a usage error (exit 2) that says what is allowed. A command reads back only what was given.
 */
final class CliOptions {
    private CliOptions() {
    }

    /** A command that takes flags from the tables. */
    interface Takes {
        default List<SlimeOption> slimeOptions() {
            return List.of();
        }

        default List<ExecutionOption> executionOptions() {
            return List.of();
        }
    }

    /** How the command line spells the option {@code key}: its table flag, else {@code --key-with-dashes}. */
    static String flag(String key) {
        SlimeOption o = SlimeOption.byKey(key);
        if (o != null && o.flag() != null) {
            return o.flag();
        }
        for (ExecutionOption e : ExecutionOption.values()) {
            if (e.key().equals(key)) {
                return e.flag();
            }
        }
        return "--" + key.replace('_', '-');
    }

    /** Adds the tables' flags to every subcommand of {@code cli} that {@link Takes} them. */
    static void install(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof Takes t) {
                CommandSpec spec = sub.getCommandSpec();
                t.slimeOptions().forEach(o -> spec.addOption(flag(o)));
                t.executionOptions().forEach(o -> spec.addOption(flag(o)));
            }
        }
    }

    private static OptionSpec flag(SlimeOption o) {
        OptionSpec.Builder b = OptionSpec.builder(o.flag()).description(o.help() + " (default: " + o.defaultText()
                + ")");
        if (o.type() == SlimeOption.Type.FLAG) {
            return b.negatable(true).type(boolean.class).arity("0").build();
        }
        return b.paramLabel(o.key().toUpperCase()).type(Object.class).converters(value -> {
            try {
                return o.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not " + o.allowed());
            }
        }).build();
    }

    private static OptionSpec flag(ExecutionOption o) {
        return OptionSpec.builder(o.flag()).description(o.help() + " (default: " + o.variable() + ", else the saved "
                + "setting, else " + o.defaultText() + ")").paramLabel(o.key().toUpperCase()).type(String.class)
                .converters(value -> {
                    try {
                        o.parse(value, o.flag());
                        return value;
                    } catch (IllegalArgumentException e) {
                        throw new TypeConversionException(e.getMessage().startsWith(o.flag()) ? "'" + value
                                + "' is not " + o.allowed() : e.getMessage());
                    }
                }).build();
    }

    /** The table options given on this command's command line, as their values. */
    static Map<SlimeOption, Object> given(CommandSpec spec, List<SlimeOption> options) {
        Map<SlimeOption, Object> out = new EnumMap<>(SlimeOption.class);
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (SlimeOption o : options) {
            OptionSpec flag = spec.findOption(o.flag());
            if (parsed.hasMatchedOption(flag)) {
                out.put(o, flag.getValue());
            }
        }
        return out;
    }

    /** The execution settings given on this command's command line, as text for {@code Execution.resolve}. */
    static Map<ExecutionOption, String> givenExecution(CommandSpec spec, List<ExecutionOption> options) {
        Map<ExecutionOption, String> out = new EnumMap<>(ExecutionOption.class);
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (ExecutionOption o : options) {
            OptionSpec flag = spec.findOption(o.flag());
            if (parsed.hasMatchedOption(flag)) {
                out.put(o, flag.getValue());
            }
        }
        return out;
    }
}
