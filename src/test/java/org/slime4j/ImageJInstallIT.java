package org.slime4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.LearnedParts;

/**
 * A plain ImageJ 1.x installed as the README says: a fresh folder with ij.jar and the built
 * {@code target/ImageJ.app/plugins} and nothing else, started as a user starts it ({@code java -jar ij.jar -batch},
 * no class path of ours) on a virtual display (Xvfb), running the README's macros from {@code macros/} with their
 * paths as the macro argument: train from the sample ROI set, segment a stack (every slice) into a file, segment a
 * folder with an unreadable file, and a failing command. Each finishes with the right exit status; nothing waits on
 * a dialog.
 */
class ImageJInstallIT {
    @TempDir
    static Path tmp;
    static Path imagej;
    static Path model;

    @BeforeAll
    static void install() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/xvfb-run"))) {
            if (System.getenv("CI") != null) {
                fail("xvfb-run is missing; .ci/run installs it");
            }
            Assumptions.abort("xvfb-run not installed");
        }
        imagej = Files.createDirectories(tmp.resolve("ImageJ"));
        Files.copy(Path.of(ij.ImageJ.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                imagej.resolve("ij.jar"));
        try (Stream<Path> s = Files.walk(Path.of("target/ImageJ.app/plugins"))) {
            for (Path f : s.toList()) {
                Path to = imagej.resolve("plugins").resolve(Path.of("target/ImageJ.app/plugins").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 52);
    }

    /** Runs {@code macro} in ImageJ's -batch mode from the ImageJ folder; returns exit status and output. */
    static Ran batch(String name, String macro, String argument) throws Exception {
        Path file = tmp.resolve(name + ".ijm");
        Files.writeString(file, macro);
        Path log = tmp.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = argument == null
                ? new ProcessBuilder("/usr/bin/xvfb-run", "-a", java, "-jar", "ij.jar", "-batch", file.toString())
                : new ProcessBuilder("/usr/bin/xvfb-run", "-a", java, "-jar", "ij.jar", "-batch", file.toString(),
                        argument);
        Process p = pb.directory(imagej.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + " did not finish (a dialog waiting?); ImageJ said:\n" + Files.readString(log));
        }
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    record Ran(int status, String output) {
    }

    @Test
    void theReadmeMacrosRunInAFreshPlainImageJ() throws Exception {
        Path slime = tmp.resolve("cell.slime");
        Path sample = Path.of("sample-data").toAbsolutePath();
        Ran trained = batch("train", Files.readString(Path.of("macros/train-from-rois.ijm")), "image=["
                + sample.resolve("cell.png") + "] rois=[" + sample.resolve("cell-rois.zip") + "] model=[" + model
                + "] out=[" + slime + "] epochs=1 working_size=64");
        assertEquals(0, trained.status, trained.output);
        assertEquals(List.of("background", "halo", "cell"), LearnedParts.load(slime).partNames(), trained.output);
        assertTrue(trained.output.contains("SLiMe Train: [background, halo, cell], 1 epoch(s), kept epoch 1"),
                trained.output);

        ImageStack stack = new ImageStack(60, 50);
        ImagePlus cell = IJ.openImage(Path.of("sample-data/cell.png").toAbsolutePath().toString());
        for (int i = 0; i < 3; i++) {
            cell.setRoi(100 * i, 80 * i, 60, 50);
            stack.addSlice(cell.crop().getProcessor());
        }
        Path stackFile = tmp.resolve("stack.tif");
        assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(stackFile.toString()));
        Path labels = tmp.resolve("stack_labels.tif");
        Ran segmented = batch("segment", Files.readString(Path.of("macros/segment-image.ijm")), "image=[" + stackFile
                + "] model=[" + model + "] slime=[" + slime + "] out=[" + labels + "] confidence=true");
        assertEquals(0, segmented.status, segmented.output);
        ImagePlus out = IJ.openImage(labels.toString());
        assertNotNull(out, segmented.output);
        assertEquals(16, out.getBitDepth());
        assertEquals(3, out.getStackSize(), "every slice labelled");
        assertEquals(3, IJ.openImage(tmp.resolve("stack_confidence.tif").toString()).getStackSize());

        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(stackFile, in.resolve("a.tif"));
        Files.copy(Path.of("sample-data/cell.png"), in.resolve("b.png"));
        Files.write(in.resolve("c.tif"), new byte[] {1, 2, 3});
        Path outFolder = tmp.resolve("out");
        Ran folder = batch("folder", Files.readString(Path.of("macros/segment-folder.ijm")), "in=[" + in + "] out=["
                + outFolder + "] model=[" + model + "] slime=[" + slime + "]");
        assertEquals(0, folder.status, folder.output);
        assertTrue(folder.output.contains("3/3 c.tif: FAILED: not an image ImageJ can open"), folder.output);
        assertTrue(folder.output.contains("SLiMe Segment Folder: 2 written, 0 skipped (done before), 1 failed"),
                folder.output);
        assertTrue(Files.exists(outFolder.resolve("a_labels.tif")) && Files.exists(outFolder.resolve("b_labels.tif")));

        Ran failing = batch("failing", "open('" + stackFile + "');\nrun('SLiMe Segment', 'learned_parts=["
                + tmp.resolve("missing.slime") + "] model=[" + model + "] all_slices=true');\nprint('not reached');\n",
                null);
        assertEquals(1, failing.status, failing.output);
        assertTrue(failing.output.contains("SLiMe Segment: Learned-parts file " + tmp.resolve("missing.slime")
                + " does not exist"), failing.output);
        assertTrue(!failing.output.contains("not reached"), "the macro stops at the failing command");
    }
}
