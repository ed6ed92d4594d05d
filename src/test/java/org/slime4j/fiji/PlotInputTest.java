package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.gui.Roi;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.LabelsToRois;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * A plot (ImageJ makes a new one the current image: a training's curves, a profile) is refused where an image is
 * meant, with a message that says what to select, before any work: segmenting its picture would give nonsense.
 */
class PlotInputTest {
    @TempDir
    Path tmp;

    private static ImagePlus plot() {
        Plot p = new Plot("SLiMe training: cell.png", "epoch", "loss, IoU");
        p.addPoints(new double[] {1, 2, 3}, new double[] {0.9, 0.5, 0.4}, Plot.CONNECTED_CIRCLES);
        return p.getImagePlus();
    }

    @Test
    void segmentTrainAndLabelsToRoisRefuseAPlot() throws Exception {
        System.setProperty("java.awt.headless", "true");
        String expected = "\"SLiMe training: cell.png\" is a plot, not an image to %s: select the image first (in a "
                + "macro: selectImage(\"its title\")) and run it again";
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 3);
        try (Context ctx = new Context()) {
            CommandModule seg = ctx.service(CommandService.class).run(SegmentCommand.class, true, "image", plot(),
                    "learned_parts", tmp.resolve("cell.slime").toFile(), "model", model.toString(), "all_slices",
                    true, "tiling", "squeeze", "tile_scale", 1.0, "tile_overlap", 0.25, "seed", 0L, "device",
                    "cpu").get();
            assertTrue(seg.isCanceled());
            assertEquals(String.format(expected, "segment"), seg.getCancelReason());
        }
        IllegalArgumentException train = assertThrows(IllegalArgumentException.class, () -> new TrainJob(
                List.of(new Annotations.Annotated(plot(), new Roi[] {new Roi(1, 1, 5, 5)}, null)), "cell", model,
                Execution.on(DeviceChoice.CPU), SlimeOptions.defaults(), Set.of(), false, 0, null,
                tmp.resolve("out.slime"), false, Checkpoints.Policy.OFF));
        assertEquals(String.format(expected, "train on"), train.getMessage());
        IllegalArgumentException rois = assertThrows(IllegalArgumentException.class,
                () -> LabelsToRois.toRoiManager(plot(), true));
        assertEquals(String.format(expected, "turn into ROIs"), rois.getMessage());
    }
}
