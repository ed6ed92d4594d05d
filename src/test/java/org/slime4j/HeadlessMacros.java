package org.slime4j;

import java.nio.file.Files;
import java.nio.file.Path;
import net.imagej.patcher.LegacyEnvironment;

/**
 * Runs one macro file in ImageJ 1.x patched for true headless operation ({@code java.awt.headless=true}) as Fiji's
 * {@code --headless} mode patches it (ij1-patcher's {@link LegacyEnvironment}); ImageJ finds its plugins under
 * {@code -Dplugins.dir}. Arguments: the macro file and its argument. Touches no {@code ij.*} class before the patcher.
 */
public final class HeadlessMacros {
    private HeadlessMacros() {
    }

    public static void main(String[] args) throws Exception {
        LegacyEnvironment ij = new LegacyEnvironment(null, true);
        ij.disableIJ1PluginDirs();
        ij.runMacro(Files.readString(Path.of(args[0])), args.length > 1 ? args[1] : "");
        System.out.println("headless macro done");
        System.exit(0);
    }
}
