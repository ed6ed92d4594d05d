package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.File;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.util.FileUtils;
import org.slime4j.core.TinyModel;

/**
 * The built Fiji layout (every platform's CPU libtorch in its Updater folder, names unique after the Updater strips
 * versions, no library Fiji ships, no -SNAPSHOT), Fiji's library versions on the class path the tests ran with, and
 * the CLI jar on a libtorch folder given as {@code PYTORCH_LIBRARY_PATH}, {@code SLIME_PYTORCH} or
 * {@code --pytorch} (a pip-style copy of the CPU build).
 */
class PlatformsIT {
    private static final Path FIJI = Path.of("target/Fiji.app");
    private static final Path POM_SCIJAVA = Path.of(System.getProperty("maven.repo.local",
            System.getProperty("user.home") + "/.m2/repository"), "org/scijava/pom-scijava/45.0.0/pom-scijava-45.0.0.pom");

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
        Map<String, String> managed = managedVersions();
        assertTrue(managed.size() > 500, "pom-scijava's managed artifacts: " + managed.size());
        // each shipped jar is identified by its bytes among the artifacts Maven resolved
        Map<String, String> bySha = new HashMap<>();
        List<String> checked = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            Matcher m = Pattern.compile(".*/repository/(.+)/([^/]+)/([^/]+)/[^/]+\\.jar").matcher(entry.replace('\\', '/'));
            if (m.matches()) {
                try (Stream<Path> siblings = Files.list(jar.getParent())) {
                    for (Path sibling : siblings.filter(p -> p.toString().endsWith(".jar")).toList()) {
                        bySha.put(sha(sibling), m.group(1).replace('/', '.') + ":" + m.group(2));
                    }
                }
                String key = m.group(1).replace('/', '.') + ":" + m.group(2);
                if (managed.containsKey(key) && !key.startsWith("org.junit") && !key.startsWith("org.opentest4j")
                        && !key.startsWith("org.apiguardian")) {
                    assertEquals(managed.get(key), m.group(3), key + " on the test class path is Fiji's version");
                    checked.add(key);
                }
            }
        }
        assertTrue(checked.containsAll(List.of("com.google.code.gson:gson", "net.java.dev.jna:jna",
                "commons-io:commons-io", "org.apache.commons:commons-compress", "net.imagej:ij",
                "org.scijava:scijava-common", "net.imglib2:imglib2")), checked.toString());
        List<String> shipped = new ArrayList<>();
        for (Path jar : jarsBelow(FIJI.resolve("jars"))) {
            String artifact = bySha.get(sha(jar));
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

    /** groupId:artifactId -> version of everything pom-scijava 45.0.0 manages, properties resolved. */
    private static Map<String, String> managedVersions() throws IOException {
        String pom = Files.readString(POM_SCIJAVA);
        Map<String, String> props = new HashMap<>();
        Matcher p = Pattern.compile("<([A-Za-z0-9_.-]+)>([^<]*)</\\1>").matcher(
                pom.substring(pom.indexOf("\n\t<properties>"), pom.indexOf("\n\t</properties>")));
        while (p.find()) {
            props.put(p.group(1), p.group(2).trim());
        }
        String section = pom.substring(pom.indexOf("<dependencyManagement>"), pom.indexOf("</dependencyManagement>"));
        Map<String, String> managed = new TreeMap<>();
        Matcher d = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(section);
        while (d.find()) {
            managed.put(resolve(d.group(1), props) + ":" + resolve(d.group(2), props), resolve(d.group(3), props));
        }
        return managed;
    }

    private static String resolve(String value, Map<String, String> props) {
        String v = value.trim();
        for (int i = 0; i < 10 && v.contains("${"); i++) {
            Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(props.getOrDefault(m.group(1), m.group())));
            }
            m.appendTail(out);
            v = out.toString();
        }
        return v;
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
