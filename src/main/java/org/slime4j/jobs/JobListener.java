package org.slime4j.jobs;

import java.util.List;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LabelImage;

/** What a running {@link Job} tells its front end; every method may be left as it is. */
public interface JobListener {
    /** Where steps stand: {@code done} of {@code total} in this run, and the time left (NaN before the first). */
    record Progress(int done, int total, double secondsLeft, String what) {
    }

    /**
     * One training epoch: its number (a continued training counts on from its parent's) and the last of this run, the
     * mean loss, the validation IoU (NaN without validation), whether it is the best so far, its seconds and the
     * time left.
     */
    record Epoch(int epoch, int lastEpoch, double loss, double iou, boolean best, double seconds,
                 double secondsLeft) {
    }

    /** What the job is doing now (loading, training, segmenting ...); a status bar line. */
    default void status(String line) {
    }

    /** A line worth keeping in a log (a file of a folder done, a notice about the engine). */
    default void log(String line) {
    }

    default void progress(Progress p) {
    }

    default void epoch(Epoch e) {
    }

    /**
     * How a training epoch went (losses by term, validation IoU per image, seconds), for curves: every epoch of the
     * training, those of the file it continues or the checkpoint it resumes first (sent when it starts).
     */
    default void epochRecord(EpochRecord record) {
    }

    /** The live preview of a training: the first image segmented with the current vectors. */
    default void preview(int epoch, LabelImage labels, List<String> parts) {
    }

    /**
     * How this front end spells an option in a message, so that a job's hint names what the user types: the key
     * itself in Fiji and macros ({@code parts}), the flag on the command line ({@code --parts}).
     */
    default String option(String key) {
        return key;
    }

    /** Polled between steps: true stops the job, keeping what it has (a training keeps its best epoch). */
    default boolean cancelled() {
        return false;
    }

    /** A listener that hears nothing and never cancels. */
    JobListener NONE = new JobListener() {
    };
}
