package org.slime4j.cli;

import org.slime4j.jobs.JobListener;

/** A job's log lines on stderr, its notices naming the CLI's flags (a training adds its status and epochs). */
class StderrListener implements JobListener {
    @Override
    public void log(String line) {
        System.err.println(line);
    }

    @Override
    public String option(String key) {
        return CliOptions.flag(key);
    }
}
