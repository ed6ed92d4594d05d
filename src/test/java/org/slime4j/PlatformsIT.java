package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.util.FileUtils;
import org.slime4j.core.model.TinyModel;

/**
 * The built Fiji layout (every platform's CPU libtorch in its Updater folder, names unique after the Updater strips
 * versions, no library Fiji ships, no -SNAPSHOT), Fiji's library versions on the class path the tests ran with, and
 * the CLI jar on a libtorch folder given as {@code PYTORCH_LIBRARY_PATH}, {@code SLIME_PYTORCH} or
 * {@code --pytorch} (a pip-style copy of the CPU build).
 */
class PlatformsIT {
    private static final Path FIJI = Path.of("target/Fiji.app");
    /** The native jars as Maven resolved them, before the build repackaged them for the platform folders. */
    private static final Path NATIVES = Path.of("target/natives");

    @TempDir
    Path tmp;

    @Test
    void eachPlatformFolderHoldsItsOwnCpuBuild() throws IOException {
        Map<String, String> expected = Map.of("linux64", "linux-x86_64", "linux-arm64", "linux-aarch64",
                "macos-arm64", "osx-aarch64", "win64", "win-x86_64");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            List<Path> jars = jars(FIJI.resolve("jars").resolve(e.getKey()));
            assertEquals(1, jars.size(), e.getKey());
            Properties p = new Properties();
            try (JarFile jar = new JarFile(jars.get(0).toFile());
                 InputStream in = jar.getInputStream(jar.getEntry("native/lib/pytorch.properties"))) {
                p.load(in);
            }
            assertEquals(e.getValue(), p.getProperty("classifier"), jars.get(0).toString());
            assertEquals("cpu", p.getProperty("flavor"));
            assertTrue(p.getProperty("version").startsWith("2.7.1"));
        }
    }

    @Test
    void namesStayUniqueAfterTheUpdaterStripsVersionsAndNoneIsASnapshot() throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.walk(FIJI)) {
            names = s.filter(Files::isRegularFile).map(p -> FIJI.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        Map<String, List<String>> stripped = names.stream().collect(Collectors.groupingBy(
                FileUtils::stripFilenameVersion));
        stripped.forEach((k, v) -> assertEquals(1, v.size(), "after stripping versions: " + k + " <- " + v));
        assertTrue(names.contains("jars/djl-api-0.36.0.jar"), names.toString());
        assertFalse(stripped.containsKey("jars/api.jar"), "DJL's api jar would claim the identity jars/api.jar");
        names.forEach(n -> assertFalse(n.contains("SNAPSHOT"), n));
        assertTrue(names.stream().anyMatch(n -> n.matches("plugins/SLiMe_Fiji-[0-9.]+\\.jar")), names.toString());
    }

    @Test
    void theFijiLayoutShipsNoLibraryFijiHasAndTheTestsRanOnFijisVersions() throws Exception {
        Map<String, String> managed = FijiLibraries.managedVersions();
        assertTrue(managed.size() > 500, "pom-scijava's managed artifacts: " + managed.size());
        // each shipped jar is identified by its bytes among the artifacts Maven resolved
        Map<String, String> bySha = new HashMap<>();
        List<String> checked = new ArrayList<>();
        for (FijiLibraries.Artifact a : FijiLibraries.onClassPath()) {
            try (Stream<Path> siblings = Files.list(a.jar().getParent())) {
                for (Path sibling : siblings.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    bySha.put(sha(sibling), a.key());
                }
            }
            if (managed.containsKey(a.key()) && !a.key().startsWith("org.junit") && !a.key().startsWith("org.opentest4j")
                    && !a.key().startsWith("org.apiguardian")) {
                assertEquals(managed.get(a.key()), a.version(), a.key() + " on the test class path is Fiji's version");
                checked.add(a.key());
            }
        }
        assertTrue(checked.containsAll(List.of("com.google.code.gson:gson", "net.java.dev.jna:jna",
                "commons-io:commons-io", "org.apache.commons:commons-compress", "net.imagej:ij",
                "org.scijava:scijava-common", "net.imglib2:imglib2")), checked.toString());
        List<String> shipped = new ArrayList<>();
        for (Path jar : jarsBelow(FIJI.resolve("jars"))) {
            String artifact = bySha.get(sha(jar.getParent().getFileName().toString().equals("jars") ? jar
                    : NATIVES.resolve(jar.getFileName())));
            assertNotNull(artifact, jar + " is none of the resolved artifacts");
            assertFalse(managed.containsKey(artifact), jar + " is " + artifact + ", which Fiji ships");
            shipped.add(artifact);
        }
        assertEquals(Set.of("ai.djl:api", "ai.djl.pytorch:pytorch-engine", "ai.djl.pytorch:pytorch-jni",
                "ai.djl.pytorch:pytorch-native-cpu"), Set.copyOf(shipped));
    }

    @Test
    void theCliRunsTheTinyModelOnALibtorchFolder() throws Exception {
        Engine.getInstance();
        Path bundled = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        Path lib = Files.createDirectories(tmp.resolve("site-packages/torch/lib"));
        try (Stream<Path> s = Files.list(bundled)) {
            for (Path f : s.filter(p -> !p.getFileName().toString().contains("djl_torch")).toList()) {
                Files.copy(f, lib.resolve(f.getFileName()));
            }
        }
        Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '2.7.1+cpu'\n");
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 81);
        for (List<String> how : List.of(List.of("PYTORCH_LIBRARY_PATH", ""), List.of("SLIME_PYTORCH", ""),
                List.of("", "--pytorch=" + lib))) {
            Map<String, String> env = how.get(0).isEmpty() ? Map.of() : Map.of(how.get(0), lib.toString());
            String out = cli(env, "info", "--model=" + model, how.get(1).isEmpty() ? "--latent=8" : how.get(1));
            assertTrue(out.contains("pytorch    PyTorch 2.7.1 cpu (folder, " + lib + ")"), how + ":\n" + out);
            assertTrue(out.contains("loaded     " + lib.resolve("libtorch_cpu.so")), how + ":\n" + out);
            assertTrue(out.matches("(?s).*unet {7}one forward pass, batch 2, 8x8 latents: [0-9.]+ s.*"), out);
        }
        Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '2.6.0+cpu'\n");
        String refused = cli(Map.of("SLIME_PYTORCH", lib.toString()), "info");
        assertTrue(refused.contains("holds version 2.6.0, but this plugin needs 2.7.1"), refused);
    }

    private String cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of("target/slime-cli.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(tmp.toFile());
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        pb.environment().remove("SLIME_PYTORCH");
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return out;
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).toList();
        }
    }

    private static List<Path> jarsBelow(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String sha(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
