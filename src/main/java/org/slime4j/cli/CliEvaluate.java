package org.slime4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.jobs.EvaluateJob;
import org.slime4j.jobs.JobListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slime evaluate}: per-part IoU and Dice of label images against ground truth, with the baseline. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Compare label images with ground-truth "
        + "label images (two files, or two folders paired by name: cell_labels.tif with cell.png): per-part IoU and "
        + "Dice, mean IoU, confusion counts, and what labelling everything background would score.")
final class CliEvaluate implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LABELS", description = "label image or folder (e.g. segment's output)")
    Path predicted;

    @Parameters(index = "1", paramLabel = "TRUTH", description = "ground-truth label image or folder")
    Path truth;

    @Option(names = "--csv", paramLabel = "FILE.csv", description = "also write the table as CSV")
    Path csv;

    @Override
    public Integer call() throws Exception {
        Map<String, Evaluation> results = new EvaluateJob(predicted, truth, csv).run(JobListener.NONE);
        for (Map.Entry<String, Evaluation> e : results.entrySet()) {
            System.out.println(e.getKey());
            System.out.printf("  %-16s %7s %7s %12s %12s %12s%n", "part", "IoU", "Dice", "TP", "FP", "FN");
            for (Object[] row : e.getValue().rows()) {
                System.out.printf("  %-16s %7s %7s %12d %12d %12d%n", row[0], fmt((Double) row[1]),
                        fmt((Double) row[2]), row[3], row[4], row[5]);
            }
            System.out.printf("  mean IoU %s (all background would score %s)%n", fmt(e.getValue().meanIou()),
                    fmt(e.getValue().backgroundMeanIou()));
        }
        if (csv != null) {
            System.out.println("wrote " + csv);
        }
        return 0;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }
}
