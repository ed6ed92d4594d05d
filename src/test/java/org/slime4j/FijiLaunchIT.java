package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code target/Fiji.app} started as Fiji's launcher starts the JVM (fiji/fiji {@code config/fiji.toml},
 * Java 9+): the platform's folder {@code jars/<platform>} on the module path, {@code jars/*.jar}, {@code jars/*}{@code
 * /*.jar} and {@code plugins/*.jar} on the class path, beside the libraries Fiji itself ships. A jar in a platform
 * folder whose module name is invalid stops the JVM at boot, before Fiji's code runs.
 */
class FijiLaunchIT {
    private static final Path FIJI = Path.of("target/Fiji.app");
    /** Fiji's platform folders and the libtorch classifier each holds. */
    private static final Map<String, String> PLATFORMS = Map.of("linux64", "linux_x86_64", "linux-arm64",
            "linux_aarch64", "macos-arm64", "osx_aarch64", "win64", "win_x86_64");

    @TempDir
    Path tmp;

    @Test
    void everyPlatformFolderIsAValidModulePath() {
        for (Map.Entry<String, String> p : PLATFORMS.entrySet()) {
            Set<ModuleReference> modules = ModuleFinder.of(FIJI.resolve("jars").resolve(p.getKey())).findAll();
            assertEquals(1, modules.size(), p.getKey());
            ModuleDescriptor d = modules.iterator().next().descriptor();
            assertEquals("ai.djl.pytorch.native_cpu." + p.getValue(), d.name(), p.getKey());
            assertTrue(d.isAutomatic() && d.packages().isEmpty(), d.toString());
        }
    }

    @Test
    void imageJStartsWithEachPlatformFolderOnTheModulePath() throws Exception {
        Path macro = Files.writeString(tmp.resolve("booted.ijm"), "print('booted ' + getVersion());\n");
        for (String platform : PLATFORMS.keySet()) {
            Ran ran = launch(platform, Map.of(), "ij.ImageJ", "-batch", macro.toString());
            assertEquals(0, ran.status, platform + ":\n" + ran.output);
            assertTrue(ran.output.contains("booted 1.54"), platform + ":\n" + ran.output);
        }
    }

    @Test
    void libtorchLoadsFromTheRepackagedJarOfThisPlatform() throws Exception {
        Path cache = tmp.resolve("djl-cache");                  // empty: the natives come out of the jar
        Ran ran = launch("linux64", Map.of("DJL_CACHE_DIR", cache.toString()), "org.slime4j.cli.SlimeCli", "info");
        assertEquals(0, ran.status, ran.output);
        assertTrue(ran.output.contains("pytorch    PyTorch 2.7.1 cpu (bundled)"), ran.output);
        assertTrue(ran.output.matches("(?s).*loaded     " + cache.toAbsolutePath() + "/pytorch/2\\.7\\.1-[^/]*cpu-linux"
                + "-x86_64/libtorch_cpu\\.so.*"), ran.output);
    }

    private record Ran(int status, String output) {
    }

    /** The JVM as Fiji's launcher starts it on this machine, but with {@code platform}'s folder as module path. */
    private Ran launch(String platform, Map<String, String> env, String... mainAndArgs) throws Exception {
        Path jars = FIJI.toAbsolutePath().resolve("jars");
        List<Path> classPath = new ArrayList<>(jarsIn(jars));
        try (Stream<Path> folders = Files.list(jars)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                classPath.addAll(jarsIn(folder));
            }
        }
        classPath.addAll(jarsIn(FIJI.toAbsolutePath().resolve("plugins")));
        classPath.addAll(FijiLibraries.shippedByFiji());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path=" + jars.resolve(platform), "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dplugins.dir=" + FIJI.toAbsolutePath(), "-Dai.djl.offline=true", "-cp",
                String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList())));
        cmd.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Ran(p.exitValue(), out);
    }

    private static List<Path> jarsIn(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
