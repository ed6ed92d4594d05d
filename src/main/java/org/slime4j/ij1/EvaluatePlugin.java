package org.slime4j.ij1;

import ij.IJ;
import java.util.Map;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.imagej.EvaluationTable;
import org.slime4j.jobs.EvaluateJob;
import org.slime4j.jobs.JobListener;

/** SLiMe Evaluate in plain ImageJ: label images against ground truth, as a Results table and a CSV. */
public class EvaluatePlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Evaluate";
    }

    @Override
    void execute() throws Exception {
        Map<String, String> v = new Fields().file("labels", "").file("ground_truth", "").file("csv", "").ask(label());
        if (v == null) {
            return;
        }
        Map<String, Evaluation> results = new EvaluateJob(Fields.path(v, "labels"), Fields.path(v, "ground_truth"),
                Fields.path(v, "csv")).run(JobListener.NONE);
        EvaluationTable.show(results);
        Evaluation all = results.get("all");
        IJ.log(String.format("%s: mean IoU %.3f (all background would score %.3f)", label(), all.meanIou(),
                all.backgroundMeanIou()));
    }
}
