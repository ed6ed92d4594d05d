package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.TinyModel;
import org.slime4j.core.slime.LearnedParts;

/**
 * A real ImageJ 1.x with a display (Xvfb) and the plugin jar in its plugins folder, as a user installs it, runs the
 * example macros of {@code macros/} on the sample data (with the paths filled in, 1 epoch and S = 64 so the tiny
 * model is quick). ImageJ finds the commands through the jar's {@code plugins.config} only. Needs {@code xvfb-run};
 * {@code .ci/run} installs it, elsewhere the test skips without it.
 */
class PlainImageJTest {
    @TempDir
    Path tmp;

    @Test
    void exampleMacrosRunInPlainImageJWithTheJarInPlugins() throws Exception {
        boolean xvfb = Files.isExecutable(Path.of("/usr/bin/xvfb-run"));
        if (!xvfb) {
            if (System.getenv("CI") != null) {
                fail("xvfb-run is missing; .ci/run installs it");
            }
            Assumptions.abort("xvfb-run not installed");
        }
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        jar(Path.of("target/classes"), plugins.resolve("SLiMe_Fiji.jar"));
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 51);
        Path slime = tmp.resolve("cell.slime");
        Path labels = tmp.resolve("cell_labels.tif");
        String train = Files.readString(Path.of("macros/train_from_rois.ijm"))
                .replace("/path/to/stable-diffusion-2-1-base", model.toString())
                .replace("/path/to/SLiMe/sample-data", Path.of("sample-data").toAbsolutePath().toString())
                .replace("/path/to/cell.slime", slime.toString())
                .replace("epochs=200", "epochs=1").replace("working_size=512", "working_size=64");
        String segment = Files.readString(Path.of("macros/segment_stack.ijm"))
                .replace("/path/to/stable-diffusion-2-1-base", model.toString())
                .replace("/path/to/cell.slime", slime.toString());
        Path macro = tmp.resolve("run.ijm");
        Files.writeString(macro, train + "\n" + segment + "\nsaveAs('Tiff', '" + labels + "');\nrun('Quit');\n");

        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith("classes") && !entry.endsWith("test-classes") && entry.endsWith(".jar")
                    && !entry.contains("surefire") && !entry.contains("junit")) {
                cp.add(entry);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("/usr/bin/xvfb-run", "-a", java, "-Dplugins.dir=" + tmp,
                "-Dai.djl.offline=true", "-cp", String.join(File.pathSeparator, cp), "ij.ImageJ", "-batch",
                macro.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("imagej.log").toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ImageJ did not finish; log:\n" + Files.readString(tmp.resolve("imagej.log")));
        }
        String log = Files.readString(tmp.resolve("imagej.log"), StandardCharsets.UTF_8);
        assertTrue(Files.exists(slime), "SLiMe Train wrote the .slime file; ImageJ said:\n" + log);
        assertEquals(List.of("background", "halo", "cell"), LearnedParts.load(slime).partNames());
        ImagePlus out = IJ.openImage(labels.toString());
        assertNotNull(out, "the label image; ImageJ said:\n" + log);
        assertEquals(16, out.getBitDepth());
        assertEquals(550, out.getWidth());
        assertEquals(660, out.getHeight());
    }

    /** Packs a folder of classes (and plugins.config at its root) into a jar, as {@code mvn package} does. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }
}
