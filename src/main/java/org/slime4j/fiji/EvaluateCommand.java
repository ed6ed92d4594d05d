package org.slime4j.fiji;

import java.io.File;
import java.util.Map;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.imagej.EvaluationTable;
import org.slime4j.jobs.EvaluateJob;

/**
 * Plugins › SLiMe › SLiMe Evaluate: label images against ground truth (two files or two folders paired by name):
 * per-part IoU and Dice, mean IoU, confusion counts and the all-background baseline, as a Results table and a CSV.
 */
@Plugin(type = Command.class, menuPath = "Plugins>SLiMe>SLiMe Evaluate", label = "SLiMe Evaluate")
public class EvaluateCommand extends SlimeCommand {
    @Parameter(label = "Label image or folder", style = "open")
    private File labels;

    @Parameter(label = "Ground-truth label image or folder", style = "open")
    private File ground_truth;

    @Parameter(label = "Also save as CSV", style = "save", required = false, persist = false)
    private File csv;

    @Override
    public void run() {
        try {
            Map<String, Evaluation> results = new EvaluateJob(path(labels), path(ground_truth), path(csv))
                    .run(listener(null));
            EvaluationTable.show(results);
            log.info(String.format("%s: mean IoU %.3f (all background would score %.3f)", label(),
                    results.get("all").meanIou(), results.get("all").backgroundMeanIou()));
        } catch (Exception e) {
            fail(e);
        }
    }
}
