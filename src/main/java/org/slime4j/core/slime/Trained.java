package org.slime4j.core.slime;

/**
 * What a training gives: the learned parts (the kept epoch's vectors) and its outcome, which front ends report as is.
 * {@code previous} is the parent's kept epoch when a continued round trained on other images or annotations than
 * its parent's last round (its IoU was measured on those, so this round kept the best of its own epochs); else null.
 */
public record Trained(LearnedParts parts, Trainer.Outcome outcome, Previous previous) {
    /** The parent's kept epoch and its mean IoU, measured on the parent's own images and annotation. */
    public record Previous(int epoch, double iou) {
    }

    public Trained(LearnedParts parts, Trainer.Outcome outcome) {
        this(parts, outcome, null);
    }

    /** One line for a log: the kept epoch, its IoU beside the all-background baseline, or the cancel. */
    public String summary() {
        Trainer.Outcome o = outcome;
        String kept = Double.isNaN(o.bestIou()) ? "kept epoch " + o.bestEpoch()
                : String.format("kept epoch %d: mean IoU %.3f on the training images at full size (all background "
                + "would score %.3f)", o.bestEpoch(), o.bestIou(), o.backgroundIou());
        String before = previous == null ? "" : String.format("; the parent file kept epoch %d at mean IoU %.3f on its "
                + "own images and annotation, not comparable with this round's, which changed them", previous.epoch(),
                previous.iou());
        return (o.cancelled() ? "cancelled after " : "") + o.epochsRun() + " epoch(s), " + kept + before;
    }
}
