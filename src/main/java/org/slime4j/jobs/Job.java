package org.slime4j.jobs;

/**
 * One user action as a value (what a front end collected from its dialog, macro options or flags) that runs the
 * same way from every front end: {@link TrainJob}, {@link SegmentJob}, {@link FolderJob}, {@link EvaluateJob}.
 * Front ends only build the job and show what its {@link JobListener} hears.
 *
 * @param <R> what the job gives back
 */
public interface Job<R> {
    /** Does the work, reporting to {@code listener} and polling its {@link JobListener#cancelled()}. */
    R run(JobListener listener) throws Exception;
}
