package org.slime4j.fiji;

import ij.Macro;
import ij.macro.Interpreter;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

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

    /** The command's label, which is its menu leaf and its name in {@code run("...", options)}. */
    public String label() {
        return getClass().getAnnotation(Plugin.class).label();
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
