package org.slime4j.core.slime;

/**
 * What a training gives: the learned parts (the kept epoch's vectors) and its outcome, which front ends report as is.
 */
public record Trained(LearnedParts parts, Trainer.Outcome outcome) {
    /** One line for a log: the kept epoch, its IoU beside the all-background baseline, or the cancel. */
    public String summary() {
        Trainer.Outcome o = outcome;
        String kept = Double.isNaN(o.bestIou()) ? "kept epoch " + o.bestEpoch()
                : String.format("kept epoch %d: mean IoU %.3f on the training images at full size (all background "
                + "would score %.3f)", o.bestEpoch(), o.bestIou(), o.backgroundIou());
        return (o.cancelled() ? "cancelled after " : "") + o.epochsRun() + " epoch(s), " + kept;
    }
}
