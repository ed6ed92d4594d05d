package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.ImageFiles;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * Annotations that would train on nonsense are refused before anything loads, each naming the part, ROI or file: a
 * named part no ROI outlines, an ROI left with the name ImageJ gives by position, an RGB or float label image.
 */
class AnnotationChecksTest {
    @TempDir
    Path tmp;

    private String refusal(Annotations.Annotated a, String parts) {
        TrainJob job = new TrainJob(List.of(a), parts, tmp.resolve("no-model-needed"), Execution.on(DeviceChoice.CPU),
                SlimeOptions.defaults(), Set.of(), true, 0, null, null, false, Checkpoints.Policy.OFF);
        return assertThrows(Exception.class, () -> job.run(JobListener.NONE)).getMessage();
    }

    @Test
    void aPartWithNoPixelIsRefusedNamingIt() {
        ImagePlus imp = FijiTest.annotated("cells.tif");
        String m = refusal(new Annotations.Annotated(imp, imp.getOverlay().toArray(), null), "disk square ring");
        assertTrue(m.contains("part 'ring' has no pixel in the annotation") && m.contains("parts"), m);
    }

    @Test
    void anRoiWithImageJsDefaultNameIsRefused() {
        ImagePlus imp = FijiTest.annotated("cells.tif");
        Roi unnamed = new Roi(2, 2, 5, 5);
        unnamed.setName("0004-0004");
        Roi[] rois = {imp.getOverlay().get(0), unnamed};
        String m = refusal(new Annotations.Annotated(imp, rois, null), "");
        assertTrue(m.contains("ROI '0004-0004' has the name ImageJ gives an unnamed ROI"), m);
    }

    @Test
    void rgbAndFloatLabelImagesAreRefusedNamingTheFile() throws Exception {
        ImagePlus imp = FijiTest.annotated("cells.tif");
        Path rgb = tmp.resolve("labels-rgb.png");
        new FileSaver(new ImagePlus("labels-rgb.png", new ColorProcessor(64, 64))).saveAsPng(rgb.toString());
        String m = refusal(new Annotations.Annotated(imp, null, ImageFiles.openQuietly(rgb)), "");
        assertTrue(m.contains("Label image " + rgb + " is RGB (24-bit)"), m);
        String f = refusal(new Annotations.Annotated(imp, null, new ImagePlus("floats",
                new FloatProcessor(64, 64))), "disk square");
        assertTrue(f.contains("Label image floats is 32-bit float"), f);
    }
}
