package org.slime4j.imagej;

import ij.measure.ResultsTable;
import java.util.Map;
import org.slime4j.core.slime.Evaluation;

/** SLiMe Evaluate's results as an ImageJ Results table "SLiMe Evaluate": a row per image and part, then the means. */
public final class EvaluationTable {
    private EvaluationTable() {
    }

    public static ResultsTable of(Map<String, Evaluation> results) {
        ResultsTable t = new ResultsTable();
        for (Map.Entry<String, Evaluation> e : results.entrySet()) {
            for (Object[] row : e.getValue().rows()) {
                t.incrementCounter();
                t.addValue("image", e.getKey());
                t.addValue("part", (String) row[0]);
                t.addValue("IoU", (Double) row[1]);
                t.addValue("Dice", (Double) row[2]);
                t.addValue("TP", ((Long) row[3]).doubleValue());
                t.addValue("FP", ((Long) row[4]).doubleValue());
                t.addValue("FN", ((Long) row[5]).doubleValue());
            }
            summary(t, e.getKey(), "mean IoU", e.getValue().meanIou());
            summary(t, e.getKey(), "all background (baseline)", e.getValue().backgroundMeanIou());
        }
        return t;
    }

    /** A row with one IoU; the columns that do not apply to it stay blank (as in the CSV), not 0. */
    private static void summary(ResultsTable t, String image, String what, double iou) {
        t.incrementCounter();
        t.addValue("image", image);
        t.addValue("part", what);
        t.addValue("IoU", iou);
        for (String column : new String[] {"Dice", "TP", "FP", "FN"}) {
            t.addValue(column, "");
        }
    }

    /** Shows the table (headless: nothing to show, the CSV and the log carry the numbers). */
    public static void show(Map<String, Evaluation> results) {
        if (!java.awt.GraphicsEnvironment.isHeadless()) {
            of(results).show("SLiMe Evaluate");
        }
    }
}
