package org.slime4j.core.engine;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slime4j.core.config.Settings;

/**
 * The one description of each {@link Execution} setting: its key (macro key, SciJava field, saved setting), its CLI
 * flag, its environment variable and its default. {@link Execution#resolve} reads them in one order for every front
 * end: a value given by the front end (a flag, a dialog field, a macro option), else the environment, else the saved
 * settings, else the default (the PyTorch build is chosen in the same order).
 */
public enum ExecutionOption {
    DEVICE("device", "--device", "SLIME_DEVICE", "auto", -1,
            "cpu, gpu or auto (the first CUDA or Apple GPU, else the CPU)"),
    PRECISION("precision", "--precision", "SLIME_PRECISION", "fp32", -1,
            "fp32, or fp16 for segmentation on a GPU (half the UNet's memory); training is fp32"),
    ATTENTION_SLICE("attention_slice", "--attention-slice", "SLIME_ATTENTION_SLICE", "0", 0,
            "memory option: attention layers SLiMe does not read compute this many query rows at a time (0: off)"),
    CROPS_PER_PASS("crops_per_pass", "--crops-per-pass", "SLIME_CROPS_PER_PASS", "1", 1,
            "speed option: crops or tiles per VAE and UNet pass (a GPU with memory to spare)"),
    MEMORY_CHECK("memory_check", "--memory-check", "SLIME_MEMORY_CHECK", "on", -1,
            "on: refuse a run whose estimated peak memory exceeds what this process may use; off: go ahead anyway");

    private final String key;
    private final String flag;
    private final String variable;
    private final String defaultText;
    private final int min;
    private final String help;

    ExecutionOption(String key, String flag, String variable, String defaultText, int min, String help) {
        this.key = key;
        this.flag = flag;
        this.variable = variable;
        this.defaultText = defaultText;
        this.min = min;
        this.help = help;
    }

    /**
     * {@code text} as this setting's value: a {@link DeviceChoice}, a {@link Precision}, on/off as a boolean or a whole number; an error
     * names {@code name} (the key, a flag or the environment variable it came from), the value and what is allowed.
     */
    public Object parse(String text, String name) {
        switch (this) {
            case DEVICE:
                return DeviceChoice.parse(text);
            case PRECISION:
                return Precision.parse(text);
            case MEMORY_CHECK:
                return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                    case "on", "true" -> true;
                    case "off", "false" -> false;
                    default -> throw new IllegalArgumentException(name + " must be " + allowed() + ", got '" + text
                            + "'");
                };
            default:
                try {
                    int n = Integer.parseInt(text.trim());
                    if (n >= min) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException(name + " must be " + allowed() + ", got '" + text + "'");
        }
    }

    /** The values a dialog offers as a choice; empty for a number. */
    public List<String> choices() {
        return switch (this) {
            case DEVICE -> List.of("auto", "cpu", "gpu");
            case PRECISION -> List.of("fp32", "fp16");
            case MEMORY_CHECK -> List.of("on", "off");
            default -> List.of();
        };
    }

    /** What this setting allows, in words. */
    public String allowed() {
        return switch (this) {
            case DEVICE -> "one of cpu, gpu, auto";
            case PRECISION -> "fp32 or fp16";
            case MEMORY_CHECK -> "on or off";
            default -> "a whole number >= " + min;
        };
    }

    public String key() {
        return key;
    }

    public String flag() {
        return flag;
    }

    public String variable() {
        return variable;
    }

    public String defaultText() {
        return defaultText;
    }

    public String help() {
        return help;
    }

    /**
     * What a dialog proposes before the user changes it: the environment's value, else the saved one, else the
     * default (so that a field shows the value a run without it would use).
     */
    public String initial() {
        return initial(System.getenv());
    }

    /** As {@link #initial()}, in {@code env}. */
    public String initial(Map<String, String> env) {
        String v = env.get(variable);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        try {
            return Settings.fromEnvironment(env).get(key).filter(s -> !s.isBlank()).map(String::trim)
                    .orElse(defaultText);
        } catch (IOException e) {
            return defaultText;
        }
    }
}
