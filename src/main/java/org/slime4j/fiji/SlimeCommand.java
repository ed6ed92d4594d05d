package org.slime4j.fiji;

import ij.ImagePlus;
import ij.Macro;
import ij.macro.Interpreter;
import java.io.File;
import java.nio.file.Path;
import java.util.Set;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.slime4j.jobs.DisplayListener;
import org.slime4j.jobs.JobListener;

/**
 * What every SLiMe SciJava command shares: the log and status services, its macro name (its label, which is also
 * its menu leaf), and one way to fail: the message logged as an error (on stderr when headless), a macro that runs
 * the command stopped there, and the command cancelled with the message. {@link MacroInputs} reads a macro's
 * options for these commands as both hosts write them.
 */
public abstract class SlimeCommand extends ContextCommand {
    @Parameter
    protected StatusService status;

    @Parameter
    protected LogService log;

    /** The keys a macro gave this command ({@link MacroInputs} sets them); null when no macro ran it. */
    private Set<String> macroKeys;

    void macroKeys(Set<String> keys) {
        macroKeys = Set.copyOf(keys);
    }

    /** The keys a macro gave; null when no macro ran this command. */
    Set<String> macroKeys() {
        return macroKeys;
    }

    /** The command's label, which is its menu leaf and its name in {@code run("...", options)}. */
    public String label() {
        return getClass().getAnnotation(Plugin.class).label();
    }

    /**
     * What a job tells this command, shown as Fiji shows it: status and progress in the status bar, log lines and
     * epochs in the log, the training preview and curves over {@code previewOn} (none when null); cancelled with the
     * command.
     */
    protected JobListener listener(ImagePlus previewOn) {
        return new DisplayListener(previewOn) {
            @Override
            public void status(String line) {
                status.showStatus(line);
            }

            @Override
            public void log(String line) {
                log.info(line.startsWith("SLiMe") ? line : "SLiMe " + line);
            }

            @Override
            public void progress(Progress p) {
                status.showStatus(p.done(), p.total(), p.what());
            }

            @Override
            public void epoch(Epoch e) {
                log.info(String.format("SLiMe epoch %d/%d: loss %.4f%s", e.epoch(), e.lastEpoch(), e.loss(),
                        Double.isNaN(e.iou()) ? "" : String.format(", IoU %.3f%s", e.iou(), e.best() ? " (best)" : "")));
            }

            @Override
            public boolean cancelled() {
                return isCanceled();
            }
        };
    }

    /** A file field as a path; null when empty. */
    protected static Path path(File file) {
        return file == null || file.getPath().isBlank() ? null : file.toPath();
    }

    /** Logs the failure, stops a macro that ran this command, and cancels the command with the message. */
    protected void fail(Exception e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
        fail(message);
    }

    /** As {@link #fail(Exception)}, with the message given. */
    protected void fail(String message) {
        log.error(label() + ": " + message);
        stopMacro();
        cancel(message);
        if (status != null) {
            status.clearStatus();
        }
    }

    /**
     * Stops the macro that runs this command, if any (Fiji hands a command the options of the macro that called
     * it), so that its next lines do not work on a result that is not there.
     */
    static void stopMacro() {
        if (Macro.getOptions() != null) {
            Interpreter.abort();
        }
    }
}
