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
            t.incrementCounter();
            t.addValue("image", e.getKey());
            t.addValue("part", "mean IoU");
            t.addValue("IoU", e.getValue().meanIou());
            t.incrementCounter();
            t.addValue("image", e.getKey());
            t.addValue("part", "all background (baseline)");
            t.addValue("IoU", e.getValue().backgroundMeanIou());
        }
        return t;
    }

    /** Shows the table (headless: nothing to show, the CSV and the log carry the numbers). */
    public static void show(Map<String, Evaluation> results) {
        if (!java.awt.GraphicsEnvironment.isHeadless()) {
            of(results).show("SLiMe Evaluate");
        }
    }
}
