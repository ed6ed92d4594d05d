package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;

/**
 * The README's macros in true headless mode ({@code java.awt.headless=true}, no display at all), through the
 * ImageJ 1.x patches Fiji's {@code --headless} uses (ij1-patcher), with the built {@code target/ImageJ.app/plugins}
 * as the only plugins: train from an ROI-set file (no ROI Manager headless), segment a stack into a file (every
 * slice), segment a folder, and a failing command, which stops its macro with the message on stderr.
 */
class HeadlessIT {
    @TempDir
    static Path tmp;
    static Path app;
    static Path model;

    @BeforeAll
    static void install() throws Exception {
        app = Files.createDirectories(tmp.resolve("ImageJ"));
        Path from = Path.of("target/ImageJ.app/plugins");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path to = app.resolve("plugins").resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 61);
    }

    private record Ran(int status, String output) {
    }

    /** {@code macro} run headless with {@code argument}; its output (stdout and stderr) and exit status. */
    private static Ran headless(String name, String macro, String argument) throws Exception {
        Path file = Files.writeString(tmp.resolve(name + ".ijm"), macro);
        List<String> classPath = new ArrayList<>();
        for (FijiLibraries.Artifact a : FijiLibraries.onClassPath()) {
            if (List.of("net.imagej:ij", "net.imagej:ij1-patcher", "org.javassist:javassist").contains(a.key())) {
                classPath.add(a.jar().toString());
            }
        }
        classPath.add(Path.of("target/test-classes").toAbsolutePath().toString());
        Path log = tmp.resolve(name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dplugins.dir=" + app,
                "-Dai.djl.offline=true", "-cp", String.join(File.pathSeparator, classPath),
                HeadlessMacros.class.getName(), file.toString(), argument)
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + " did not finish; it said:\n" + Files.readString(log));
        }
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void theReadmeMacrosRunHeadless() throws Exception {
        Path sample = Path.of("sample-data").toAbsolutePath();
        Path slime = tmp.resolve("cell.slime");
        Ran trained = headless("train", Files.readString(Path.of("macros/train-from-rois.ijm")), "image=["
                + sample.resolve("cell.png") + "] rois=[" + sample.resolve("cell-rois.zip") + "] model=[" + model
                + "] out=[" + slime + "] epochs=1 working_size=64 device=cpu");
        assertEquals(0, trained.status, trained.output);
        assertTrue(trained.output.contains("SLiMe Train: [background, halo, cell], 1 epoch(s), kept epoch 1"),
                trained.output);
        assertEquals(List.of("background", "halo", "cell"), LearnedParts.load(slime).partNames());

        ImageStack stack = new ImageStack(60, 50);
        ImagePlus cell = IJ.openImage(sample.resolve("cell.png").toString());
        for (int i = 0; i < 3; i++) {
            cell.setRoi(100 * i, 80 * i, 60, 50);
            stack.addSlice(cell.crop().getProcessor());
        }
        Path stackFile = tmp.resolve("stack.tif");
        assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(stackFile.toString()));
        Path labels = tmp.resolve("stack_labels.tif");
        Ran segmented = headless("segment", Files.readString(Path.of("macros/segment-image.ijm")), "image=["
                + stackFile + "] model=[" + model + "] slime=[" + slime + "] out=[" + labels + "] device=cpu");
        assertEquals(0, segmented.status, segmented.output);
        ImagePlus out = IJ.openImage(labels.toString());
        assertNotNull(out, segmented.output);
        assertEquals(3, out.getStackSize(), "every slice labelled");
        assertEquals(16, out.getBitDepth());

        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(stackFile, in.resolve("a.tif"));
        Files.copy(sample.resolve("cell.png"), in.resolve("b.png"));
        Path outFolder = tmp.resolve("out");
        Ran folder = headless("folder", Files.readString(Path.of("macros/segment-folder.ijm")), "in=[" + in
                + "] out=[" + outFolder + "] model=[" + model + "] slime=[" + slime + "] device=cpu");
        assertEquals(0, folder.status, folder.output);
        assertTrue(folder.output.contains("SLiMe Segment Folder: 2 written, 0 skipped (done before), 0 failed"),
                folder.output);
        assertTrue(Files.exists(outFolder.resolve("a_labels.tif")) && Files.exists(outFolder.resolve("b_labels.tif")));

        Ran failing = headless("failing", "open('" + stackFile + "');\nrun('SLiMe Segment', 'learned_parts=["
                + tmp.resolve("missing.slime") + "] model=[" + model + "] all_slices=true');\nprint('not reached');\n",
                "");
        assertTrue(failing.output.contains("SLiMe Segment: Learned-parts file " + tmp.resolve("missing.slime")
                + " does not exist"), failing.output);
        assertFalse(failing.output.contains("not reached"), "the macro stops at the failing command:\n"
                + failing.output);

        Ran typo = headless("typo", "open('" + stackFile + "');\nrun('SLiMe Segment', 'learned_parts=[" + slime
                + "] model=[" + model + "] all_slice=true');\nprint('not reached');\n", "");
        assertTrue(typo.output.contains("SLiMe Segment: unknown option 'all_slice'"), typo.output);
        assertFalse(typo.output.contains("not reached"), typo.output);
    }
}
