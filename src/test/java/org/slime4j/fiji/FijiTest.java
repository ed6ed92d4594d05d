package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.io.RoiEncoder;
import ij.process.ColorProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.util.Map;
import org.slime4j.core.engine.Execution;
import org.slime4j.jobs.FolderJob;
import org.slime4j.imagej.Images;
import org.slime4j.jobs.Sessions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.LearnedParts;

/** The Fiji entry points on a tiny random model with Stable Diffusion's layout: commands, folder jobs, CLI, macro. */
class FijiTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = TinyModel.writeSdLayout(tmp.resolve("model"), 31);
        System.setProperty("java.awt.headless", "true");
    }

    /** A 64×64 RGB image with a red disk and a blue square, annotated in its overlay. */
    static ImagePlus annotated(String title) {
        ColorProcessor cp = new ColorProcessor(64, 64);
        cp.setColor(new java.awt.Color(25, 25, 25));
        cp.fill();
        OvalRoi disk = new OvalRoi(8, 8, 22, 22);
        cp.setColor(new java.awt.Color(230, 80, 50));
        cp.fill(disk);
        Roi square = new Roi(36, 34, 20, 20);
        cp.setColor(new java.awt.Color(50, 100, 230));
        cp.fill(square);
        disk.setName("disk");
        square.setName("square");
        ImagePlus imp = new ImagePlus(title, cp);
        Overlay overlay = new Overlay();
        overlay.add(disk);
        overlay.add(square);
        imp.setOverlay(overlay);
        return imp;
    }

    static Path save(ImagePlus imp, Path file) {
        assertTrue(new FileSaver(imp).saveAsTiff(file.toString()), "saved " + file);
        return file;
    }

    private static CommandModule run(Context ctx, Class<? extends org.scijava.command.Command> cls, Object... inputs)
            throws Exception {
        return ctx.service(CommandService.class).run(cls, true, inputs).get();
    }

    @Test
    void trainThenSegmentAStackThroughCommandService() throws Exception {
        Path slime = tmp.resolve("cmd.slime");
        try (Context ctx = new Context()) {
            ImagePlus trainImage = annotated("train.tif");
            CommandModule train = run(ctx, TrainCommand.class, "image", trainImage, "parts", "",
                    "annotation", "Overlay", "model", model.toString(), "output", slime.toFile(), "epochs", 2,
                    "learning_rate", 0.1, "seed", 3L, "device", "cpu", "working_size", 64, "augment", false,
                    "validate", true, "preview_every", 1, "overwrite", false);
            assertFalse(train.isCanceled(), "train: " + train.getCancelReason());
            assertEquals(2, trainImage.getOverlay().size(), "the two part ROIs; the preview went with the training");
            assertEquals(-1, trainImage.getOverlay().getIndex("SLiMe preview"));
            LearnedParts parts = LearnedParts.load(slime);
            double iou = parts.continuation().state().bestIou();                 // the kept epoch's
            assertTrue(iou > 0 && iou <= 1, "IoU " + iou);
            assertEquals(List.of("background", "disk", "square"), parts.partNames());

            ImageStack stack = new ImageStack(64, 64);
            for (int i = 0; i < 3; i++) {
                stack.addSlice(annotated("s").getProcessor());
            }
            ImagePlus three = new ImagePlus("three", stack);
            three.getCalibration().pixelWidth = 0.25;
            three.getCalibration().setUnit("µm");
            CommandModule seg = run(ctx, SegmentCommand.class, "image", three, "learned_parts", slime.toFile(),
                    "model", model.toString(), "all_slices", true, "tiling", "squeeze", "tile_scale", 1.0,
                    "tile_overlap", 0.25, "seed", 0L, "device", "cpu");
            assertFalse(seg.isCanceled(), "segment: " + seg.getCancelReason());
            ImagePlus labels = (ImagePlus) seg.getOutput("labels");
            assertEquals(3, labels.getStackSize());
            assertEquals(16, labels.getBitDepth());
            assertEquals(64, labels.getWidth());
            assertEquals(0.25, labels.getCalibration().pixelWidth);
            assertEquals("0=background,1=disk,2=square", labels.getProp(Images.PARTS_PROPERTY));
            assertTrue(labels.getStack().getSliceLabel(1).contains("1=disk"));
            short[] first = (short[]) labels.getStack().getPixels(1);
            assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(
                    (short[]) labels.getStack().getPixels(3)), "same slice, same seed, same labels");
            for (short v : first) {
                assertTrue(v >= 0 && v < 3);
            }

            CommandModule again = run(ctx, TrainCommand.class, "image", annotated("train.tif"), "parts", "",
                    "annotation", "Overlay", "model", model.toString(), "output", slime.toFile(), "epochs", 1,
                    "learning_rate", 0.1, "seed", 3L, "device", "cpu", "working_size", 64, "augment", false,
                    "validate", false, "preview_every", 0, "overwrite", false);
            assertTrue(again.isCanceled() && again.getCancelReason().contains("exists already"),
                    "an existing .slime is not replaced silently: " + again.getCancelReason());
        }
    }

    @Test
    void folderWithACorruptFileResumesAndShardsCoverItOnce() throws Exception {
        Path slime = tmp.resolve("folder.slime");
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String name : List.of("a.tif", "b.tif", "c.tif")) {
            save(annotated(name), in.resolve(name));
        }
        Files.write(in.resolve("bad.tif"), new byte[] {1, 2, 3, 4, 5});
        try (Context ctx = new Context()) {
            assertFalse(run(ctx, TrainCommand.class, "image", annotated("t"), "parts", "disk square",
                    "annotation", "Overlay", "model", model.toString(), "output", slime.toFile(), "epochs", 1,
                    "learning_rate", 0.1, "seed", 3L, "device", "cpu", "working_size", 64, "augment", false,
                    "validate", false, "preview_every", 0, "overwrite", false).isCanceled());
            Path out = tmp.resolve("out");
            Object[] inputs = {"input_folder", in.toFile(), "pattern", "*.tif", "output_folder", out.toFile(),
                               "learned_parts", slime.toFile(), "model", model.toString(), "shard", "1/1",
                               "tiling", "squeeze", "tile_scale", 1.0, "tile_overlap", 0.25, "seed", 0L,
                               "device", "cpu"};
            String first = (String) run(ctx, SegmentFolderCommand.class, inputs).getOutput("summary");
            assertEquals("3 written, 0 skipped (done before), 1 failed, of 4 in this shard", first);
            for (String name : List.of("a", "b", "c")) {
                ImagePlus labels = IJ.openImage(out.resolve(name + "_labels.tif").toString());
                assertNotNull(labels, name);
                assertEquals(16, labels.getBitDepth());
            }
            try (var files = Files.list(out)) {
                assertEquals(3, files.count(), "no temporary files left");
            }
            String second = (String) run(ctx, SegmentFolderCommand.class, inputs).getOutput("summary");
            assertEquals("0 written, 3 skipped (done before), 1 failed, of 4 in this shard", second);

            List<Path> one = FolderJob.files(in, "*.tif", FolderJob.Shard.parse("1/2"));
            List<Path> two = FolderJob.files(in, "*.tif", FolderJob.Shard.parse("2/2"));
            assertEquals(List.of(in.resolve("a.tif"), in.resolve("bad.tif")), one);
            assertEquals(List.of(in.resolve("b.tif"), in.resolve("c.tif")), two);
        }
    }

    @Test
    void commandLineTrainsAndSegmentsAndExplainsItself() throws Exception {
        ImagePlus imp = annotated("cli.tif");
        Path image = save(imp, tmp.resolve("cli.tif"));
        Path zip = tmp.resolve("cli-rois.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Roi roi : imp.getOverlay().toArray()) {
                out.putNextEntry(new ZipEntry(roi.getName() + ".roi"));
                out.write(RoiEncoder.saveAsByteArray(roi));
                out.closeEntry();
            }
        }
        Path slime = tmp.resolve("cli.slime");
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertEquals(0, org.slime4j.cli.CliAccess.run("train", "--model", model.toString(), "--image",
                    image.toString(), "--rois", zip.toString(), "--out", slime.toString(), "--epochs", "1",
                    "--size", "64", "--no-augment", "--no-validate", "--device", "cpu"));
            Path labels = tmp.resolve("cli_labels.tif");
            assertEquals(0, org.slime4j.cli.CliAccess.run("segment", "--model", model.toString(), "--slime",
                    slime.toString(), image.toString(), "--output", labels.toString(), "--device", "cpu"));
            assertEquals(16, IJ.openImage(labels.toString()).getBitDepth());
            Path sliced = tmp.resolve("cli_sliced_labels.tif");
            assertEquals(0, org.slime4j.cli.CliAccess.run("segment", "--model", model.toString(), "--slime",
                    slime.toString(), image.toString(), "--output", sliced.toString(), "--device", "cpu",
                    "--attention-slice", "7", "--crops-per-pass", "2"));
            assertEquals(7, Sessions.currentExecution().orElseThrow().attentionSlice());
            assertEquals(2, Sessions.currentExecution().orElseThrow().cropsPerPass());
            assertArrayEquals((short[]) IJ.openImage(labels.toString()).getProcessor().getPixels(),
                    (short[]) IJ.openImage(sliced.toString()).getProcessor().getPixels(),
                    "attention slicing changes no label");
            assertEquals(1, org.slime4j.cli.CliAccess.run("segment", "--model", model.toString(), "--slime",
                    slime.toString(), image.toString(), "--output", labels.toString(), "--device", "cpu"),
                    "an existing output is not replaced without --overwrite");
            assertEquals(0, org.slime4j.cli.CliAccess.run("train", "--help"));
            assertEquals(2, org.slime4j.cli.CliAccess.run("train", "--no-such-flag"));
            assertEquals(1, org.slime4j.cli.CliAccess.run("segment", "--model", model.toString(), "--slime",
                    tmp.resolve("missing.slime").toString(), image.toString(), "--output", "x.tif"));
        } finally {
            System.setOut(stdout);
            Sessions.close();
        }
        assertTrue(captured.toString().contains("parts [background, disk, square]"), captured.toString());
        assertEquals(1024, Execution.fromEnvironment(Map.of("SLIME_ATTENTION_SLICE", " 1024")).attentionSlice());
        String bad = assertThrows(IllegalArgumentException.class,
                () -> Execution.fromEnvironment(Map.of("SLIME_CROPS_PER_PASS", "0"))).getMessage();
        assertTrue(bad.contains("SLIME_CROPS_PER_PASS") && bad.contains("'0'") && bad.contains(">= 1"), bad);
    }
}
