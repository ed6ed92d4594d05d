package org.slime4j.core.slime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IoU, Dice, the mean and the baseline against counts done by hand on small label images. */
class EvaluationTest {
    @Test
    void smallLabelImagesGiveTheHandComputedNumbers() {
        // truth:     0 0 1 1 / 0 0 1 1 / 0 0 0 0      (part 3 is in neither: NaN, left out of the mean)
        // predicted: 0 1 1 1 / 0 0 1 0 / 2 0 0 0
        int[] truth = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0};
        int[] predicted = {0, 1, 1, 1, 0, 0, 1, 0, 2, 0, 0, 0};
        Evaluation e = new Evaluation(List.of("background", "cell", "halo", "nucleus")).add(predicted, truth);
        // background: TP 6, FP 1 (a cell pixel), FN 2 (one predicted cell, one halo) -> IoU 6/9, Dice 12/15
        assertEquals(6.0 / 9, e.iou(0), 1e-12);
        assertEquals(12.0 / 15, e.dice(0), 1e-12);
        // cell: TP 3, FP 1, FN 1 -> IoU 3/5, Dice 6/8
        assertEquals(3.0 / 5, e.iou(1), 1e-12);
        assertEquals(6.0 / 8, e.dice(1), 1e-12);
        // halo: predicted once, never true -> IoU 0, Dice 0, and it counts in the mean
        assertEquals(0.0, e.iou(2));
        assertEquals(0.0, e.dice(2));
        assertTrue(Double.isNaN(e.iou(3)) && Double.isNaN(e.dice(3)), "a part in neither image");
        assertEquals((6.0 / 9 + 3.0 / 5 + 0) / 3, e.meanIou(), 1e-12);
        // all background: background IoU 8/12, cell 0 -> mean over the parts present (background, cell)
        assertEquals((8.0 / 12 + 0) / 2, e.backgroundMeanIou(), 1e-12);
        assertEquals(1, e.count(0, 1));
        assertEquals(1, e.count(1, 0));
        assertEquals(1, e.count(0, 2));
    }

    @Test
    void countsAddUpOverImagesAndBadLabelsAreNamed() {
        Evaluation e = new Evaluation(List.of("background", "cell"));
        e.add(new int[] {1, 0}, new int[] {1, 1});
        e.add(new int[] {1, 1}, new int[] {1, 0});
        assertEquals(2.0 / 4, e.iou(1), 1e-12);               // TP 2, FP 1, FN 1
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> e.add(new int[] {5}, new int[] {0}));
        assertTrue(bad.getMessage().contains("label 5 is beyond the 2 parts"), bad.getMessage());
    }
}
