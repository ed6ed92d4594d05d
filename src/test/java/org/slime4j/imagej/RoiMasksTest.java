package org.slime4j.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slime4j.core.slime.LabelImage;

/** ROIs to training masks: names, nesting, holes, clipping, and the refusals. */
class RoiMasksTest {
    private static Roi named(Roi roi, String name) {
        roi.setName(name);
        return roi;
    }

    @Test
    void namesBecomePartsInOrderWithTheBackgroundFirst() {
        Roi[] rois = {named(new Roi(0, 0, 4, 4), "cell"), named(new Roi(5, 5, 2, 2), "nucleus"),
                      named(new Roi(8, 0, 2, 2), "cell")};
        assertEquals(List.of("background", "cell", "nucleus"), RoiMasks.partNames("", rois));
        assertEquals(List.of("background", "nucleus", "cell"), RoiMasks.partNames("nucleus, cell", rois));
        LabelImage m = RoiMasks.rasterize(rois, 10, 10, List.of("background", "cell", "nucleus"));
        assertEquals(1, m.get(0, 0));
        assertEquals(2, m.get(5, 5));
        assertEquals(1, m.get(9, 1));
        assertEquals(0, m.get(9, 9));
    }

    @Test
    void innerPartsWinWhateverTheOrderAndHolesStayBackground() {
        List<String> parts = List.of("background", "cell", "nucleus");
        Roi small = named(new OvalRoi(8, 8, 4, 4), "nucleus");
        Roi large = named(new Roi(2, 2, 16, 16), "cell");
        LabelImage a = RoiMasks.rasterize(new Roi[] {small, large}, 20, 20, parts);
        LabelImage b = RoiMasks.rasterize(new Roi[] {large, small}, 20, 20, parts);
        assertEquals(2, a.get(10, 10));
        assertEquals(2, b.get(10, 10));
        assertEquals(1, a.get(3, 3));
        ShapeRoi ring = new ShapeRoi(new Roi(0, 0, 20, 20)).not(new ShapeRoi(new Roi(5, 5, 10, 10)));
        LabelImage holed = RoiMasks.rasterize(new Roi[] {named(ring, "cell")}, 20, 20, parts);
        assertEquals(1, holed.get(1, 1));
        assertEquals(0, holed.get(10, 10));
    }

    @Test
    void outsideIsClippedAndGroupsNameParts() {
        List<String> parts = List.of("background", "cell");
        LabelImage m = RoiMasks.rasterize(new Roi[] {named(new Roi(-5, -5, 8, 8), "cell")}, 10, 10, parts);
        assertEquals(1, m.get(0, 0));
        assertEquals(1, m.get(2, 2));
        assertEquals(0, m.get(3, 3));
        Roi grouped = new Roi(0, 0, 2, 2);
        grouped.setGroup(3);
        Roi.setGroupName(3, "cell");
        assertEquals(1, RoiMasks.rasterize(new Roi[] {grouped}, 10, 10, parts).get(1, 1));
    }

    @Test
    void linesPointsUnknownNamesAndEmptyAnnotationsAreRefused() {
        List<String> parts = List.of("background", "cell");
        String line = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(
                new Roi[] {named(new Line(0, 0, 5, 5), "cell")}, 10, 10, parts)).getMessage();
        assertTrue(line.contains("area ROIs"), line);
        String point = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(
                new Roi[] {named(new PointRoi(2, 2), "cell")}, 10, 10, parts)).getMessage();
        assertTrue(point.contains("'cell'") && point.contains("area ROIs"), point);
        String unknown = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(
                new Roi[] {named(new Roi(0, 0, 2, 2), "nucleus")}, 10, 10, parts)).getMessage();
        assertTrue(unknown.contains("'nucleus'") && unknown.contains("[background, cell]"), unknown);
        String unnamed = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(
                new Roi[] {new Roi(0, 0, 2, 2)}, 10, 10, parts)).getMessage();
        assertTrue(unnamed.contains("names no known part"), unnamed);
        String empty = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(new Roi[0], 10, 10,
                parts)).getMessage();
        assertTrue(empty.contains("No ROIs"), empty);
        String outside = assertThrows(IllegalArgumentException.class, () -> RoiMasks.rasterize(
                new Roi[] {named(new Roi(50, 50, 2, 2), "cell")}, 10, 10, parts)).getMessage();
        assertTrue(outside.contains("cover no pixel"), outside);
    }
}
