package org.slime4j.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.gui.Roi;
import ij.process.ShortProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slime4j.fiji.LabelsToRoisCommand;

/** Labels to ROIs and back: the mask equals the label image, holes and touching regions included. */
class LabelsToRoisTest {
    @Test
    void labelsToRoisToMaskGivesTheLabelsBack() {
        int w = 40;
        int h = 30;
        ShortProcessor ip = new ShortProcessor(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = 0;
                if (x >= 4 && x < 20 && y >= 4 && y < 20) {
                    v = 1;                                         // a ring of part 1 ...
                    if (x >= 8 && x < 16 && y >= 8 && y < 16) {
                        v = 0;                                     // ... with a background hole ...
                    }
                    if (x >= 10 && x < 13 && y >= 10 && y < 13) {
                        v = 2;                                     // ... holding an island of part 2
                    }
                }
                if (x >= 20 && x < 30 && y >= 6 && y < 14) {
                    v = 2;                                         // part 2 touching the ring's side
                }
                if (x >= 33 && x < 36 && y >= 22 && y < 27) {
                    v = 1;                                         // a second region of part 1
                }
                if (x == 36 && y == 27) {
                    v = 1;                                         // diagonal neighbour: the same region
                }
                ip.set(x, y, v);
            }
        }
        List<String> names = List.of("background", "cell", "nucleus");
        List<Roi> rois = LabelsToRois.rois(ip, names, 0);
        assertEquals(4, rois.size(), "ring, island, touching block, second region (the diagonal pixel joins it)");
        assertEquals(List.of("cell", "nucleus", "nucleus", "cell"), rois.stream().map(Roi::getName).toList());
        int[] back = RoiMasks.rasterize(rois.toArray(new Roi[0]), w, h, names).labels();
        int[] expected = new int[w * h];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ip.get(i);
        }
        assertArrayEquals(expected, back);
    }

    @Test
    void theCommandPutsNamedRoisOnASlimeLabelImage() throws Exception {
        System.setProperty("java.awt.headless", "true");
        int[] plane = new int[20 * 10];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = i % 20 < 5 ? 1 : i % 20 >= 15 ? 2 : 0;
        }
        ij.ImagePlus labels = Images.labels("x_labels", List.of(plane), 20, 10, 1, 1,
                List.of("background", "halo", "cell"), null);
        try (org.scijava.Context ctx = new org.scijava.Context()) {
            org.scijava.command.CommandModule m = ctx.service(org.scijava.command.CommandService.class)
                    .run(LabelsToRoisCommand.class, true, "image", labels, "all_slices", false).get();
            assertEquals(false, m.isCanceled(), m.getCancelReason());
        }
        assertEquals(List.of("halo", "cell"), java.util.Arrays.stream(labels.getOverlay().toArray())
                .map(Roi::getName).toList(), "named after the parts the label image carries");
        labels.getOverlay().add(new Roi(1, 1, 2, 2));                          // the user's own ROI stays
        LabelsToRois.toRoiManager(labels, false);
        assertEquals(3, labels.getOverlay().size(), "a second run replaces its own ROIs, not the user's: "
                + java.util.Arrays.toString(labels.getOverlay().toArray()));
    }
}
