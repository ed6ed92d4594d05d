package org.slime4j.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Plot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.SlimeOption;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.TrainingPlot;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.TrainJob;

/**
 * How a training went, from a real run on two annotated images: each epoch's losses (the total is the weighted sum
 * of its terms), the IoU of each validation image and their mean, the all-background baseline and the seconds, the
 * same in the listener, the CSV beside the output and the {@code .slime} history (a continued round adding its
 * epochs after the parent's), and drawn in the ImageJ plot.
 */
class TrainingCurvesTest {
    @TempDir
    Path tmp;

    private TrainJob job(Path model, int epochs, Path from, Path out) {
        SlimeOptions o = SlimeOptions.defaults().with(SlimeOption.WORKING_SIZE, 64).with(SlimeOption.EPOCHS, epochs);
        ImagePlus a = FijiTest.annotated("a");
        ImagePlus b = FijiTest.annotated("b");
        b.getProcessor().flipVertical();
        b.getOverlay().get(0).setLocation(8, 64 - 8 - 22);
        b.getOverlay().get(1).setLocation(36, 64 - 34 - 20);
        return new TrainJob(List.of(new Annotations.Annotated(a, a.getOverlay().toArray(), null),
                new Annotations.Annotated(b, b.getOverlay().toArray(), null)), "disk square", model,
                Execution.on(DeviceChoice.CPU), o, Set.of(), true, 0, from, out, false, Checkpoints.Policy.OFF);
    }

    @Test
    void epochsAreRecordedInTheListenerTheCsvTheHistoryAndThePlot() throws Exception {
        Path model = TinyModel.writeSdLayout(tmp.resolve("model"), 47);
        Path out = tmp.resolve("cells.slime");
        List<EpochRecord> heard = new ArrayList<>();
        TrainingPlot plot = new TrainingPlot(new ImagePlus("cells.png", new ij.process.ByteProcessor(8, 8)));
        job(model, 3, null, out).run(new JobListener() {
            @Override
            public void epochRecord(EpochRecord record) {
                heard.add(record);
                plot.add(record);
            }
        });
        assertEquals(List.of(1, 2, 3), heard.stream().map(EpochRecord::epoch).toList());
        SlimeOptions o = LearnedParts.load(out).options();
        for (EpochRecord r : heard) {
            assertEquals(r.crossEntropy() + o.sdLossCoef() * r.noise() + o.selfAttentionLossCoef() * r.was(),
                    r.loss(), 1e-5 * Math.abs(r.loss()), "the total is the weighted sum of the terms: " + r);
            assertTrue(r.crossEntropy() > 0 && r.was() > 0 && r.noise() > 0, r.toString());
            assertEquals(2, r.ious().size(), "one IoU per training image");
            assertEquals((r.ious().get(0) + r.ious().get(1)) / 2, r.iou(), 1e-12);
            assertTrue(r.background() > 0 && r.background() < 1, "the all-background baseline " + r.background());
            assertTrue(r.seconds() > 0);
        }
        assertEquals(heard, LearnedParts.load(out).continuation().history(), "the .slime keeps the same");

        List<String> csv = Files.readAllLines(tmp.resolve("cells-training.csv"));
        assertEquals(List.of("epoch", "loss", "cross_entropy", "was", "noise", "iou", "background_iou", "seconds",
                "image_ious"), List.of(csv.get(0).split(",")));
        assertEquals(4, csv.size());
        for (int e = 0; e < 3; e++) {
            String[] cells = csv.get(e + 1).split(",");
            EpochRecord r = heard.get(e);
            assertEquals(r.epoch(), Integer.parseInt(cells[0]));
            assertEquals(r.loss(), Double.parseDouble(cells[1]), 1e-6);
            assertEquals(r.noise(), Double.parseDouble(cells[4]), 1e-6);
            assertEquals(r.iou(), Double.parseDouble(cells[5]), 1e-6);
            assertEquals(r.ious().get(1), Double.parseDouble(cells[8].split(";")[1]), 1e-6);
        }

        Plot p = plot.plot();
        assertEquals("SLiMe training: cells.png", p.getTitle());
        float[][] loss = p.getDataObjectArrays(0);
        float[][] iou = p.getDataObjectArrays(1);
        assertArrayEquals(new float[] {1, 2, 3}, loss[0]);
        for (int e = 0; e < 3; e++) {
            assertEquals((float) heard.get(e).loss(), loss[1][e]);
            assertEquals((float) heard.get(e).iou(), iou[1][e]);
        }

        // a continued round: its epochs after the parent's, in the listener (the parent's sent first), CSV, history
        Path next = tmp.resolve("more.slime");
        List<EpochRecord> again = new ArrayList<>();
        job(model, 2, out, next).run(new JobListener() {
            @Override
            public void epochRecord(EpochRecord record) {
                again.add(record);
            }
        });
        assertEquals(List.of(1, 2, 3, 4, 5), again.stream().map(EpochRecord::epoch).toList());
        assertEquals(heard, again.subList(0, 3));
        assertEquals(again, LearnedParts.load(next).continuation().history());
        assertEquals(6, Files.readAllLines(tmp.resolve("more-training.csv")).size());
    }
}
