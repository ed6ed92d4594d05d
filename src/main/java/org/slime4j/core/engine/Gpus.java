package org.slime4j.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * NVIDIA GPUs as the driver shows them, without loading CUDA or libtorch: on Linux {@code /proc/driver/nvidia}
 * (its GPUs and the driver version), on Windows the driver's {@code nvcuda.dll}. CUDA 12 builds (cu128) need a driver
 * of release 525 or later.
 */
final class Gpus {
    static final int MIN_DRIVER = 525;
    private static final Path PROC = Path.of("/proc/driver/nvidia");

    private Gpus() {
    }

    /** Whether an NVIDIA GPU with a driver that runs CUDA 12 builds is visible. */
    public static boolean visible() {
        String root = System.getenv("SystemRoot");
        if (root != null && Files.isRegularFile(Path.of(root, "System32", "nvcuda.dll"))) {
            return true;
        }
        return visible(PROC);
    }

    /** As {@link #visible()} for a {@code /proc/driver/nvidia} folder. */
    static boolean visible(Path proc) {
        Integer driver = driverRelease(proc);
        return !names(proc).isEmpty() && driver != null && driver >= MIN_DRIVER;
    }

    /** The driver's release (e.g. 570), or null. */
    static Integer driverRelease(Path proc) {
        try {
            Matcher m = Pattern.compile("Kernel Module(?: for [a-z0-9_]+)?\\s+([0-9]+)\\.")
                    .matcher(Files.readString(proc.resolve("version")));
            return m.find() ? Integer.valueOf(m.group(1)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Each GPU's model name, as the driver reports it (Linux); empty without the driver. */
    public static List<String> names() {
        return names(PROC);
    }

    static List<String> names(Path proc) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> gpus = Files.list(proc.resolve("gpus"))) {
            for (Path gpu : gpus.sorted().toList()) {
                Matcher m = Pattern.compile("(?m)^Model:\\s*(.+)$").matcher(Files.readString(gpu.resolve("information")));
                names.add(m.find() ? m.group(1).trim() : gpu.getFileName().toString());
            }
        } catch (IOException e) {
            // no driver, or no GPU
        }
        return names;
    }
}
