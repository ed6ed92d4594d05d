package org.slime4j.jobs;

import java.nio.file.Path;
import java.util.Map;
import org.slime4j.core.slime.Evaluation;
import org.slime4j.imagej.Evaluate;

/**
 * SLiMe Evaluate as every front end runs it: label images against ground truth (two files, or two folders paired by
 * name); the results by file name and {@code "all"}, also written as CSV when {@code csv} is given.
 */
public record EvaluateJob(Path labels, Path truth, Path csv) implements Job<Map<String, Evaluation>> {
    @Override
    public Map<String, Evaluation> run(JobListener listener) throws java.io.IOException {
        if (csv != null) {
            Outputs.file(csv, true, listener);
        }
        Map<String, Evaluation> results = Evaluate.run(labels, truth);
        if (csv != null) {
            Evaluate.writeCsv(results, csv);
        }
        return results;
    }
}
