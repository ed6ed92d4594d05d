package org.slime4j.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.util.Map;
import org.slime4j.core.engine.Execution;
import org.slime4j.jobs.DisplayListener;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Models;

/**
 * What every SLiMe command of plain ImageJ 1.x shares (registered by the ImageJ jar's {@code plugins.config}, with
 * the same keys as the SciJava commands, e.g. {@code run("SLiMe Segment", "learned_parts=/data/cells.slime
 * model=/models/sd21 all_slices=true");}): one way to fail (the message in the Log, or on stderr headless; a dialog
 * when no macro runs; a macro stopped there; {@code java -jar ij.jar -batch} exiting with status 1), the progress a
 * job reports in ImageJ's status and progress bars, and the model and learned parts remembered between runs.
 */
abstract class Ij1Command implements PlugIn {
    private static final String PREFS = "slime.";

    /** The command's label: its menu entry and its name in {@code run("...", options)}. */
    abstract String label();

    /** Asks for the values (the dialog, or the macro's options) and runs the job. */
    abstract void execute() throws Exception;

    @Override
    public final void run(String arg) {
        try {
            execute();
        } catch (Exception e) {
            fail(label() + ": " + e.getMessage(), e.getMessage());
        } finally {
            IJ.showStatus("");
        }
    }

    private static void fail(String message, String reason) {
        if (GraphicsEnvironment.isHeadless()) {
            System.err.println(message);             // headless, IJ.log would print it to stdout
        } else {
            IJ.log(message);
        }
        if (!IJ.isMacro()) {
            IJ.error("SLiMe", reason);
        } else if (commandLineBatch()) {
            System.err.println(message);             // java -jar ij.jar -batch: fail with the message and status 1
            System.exit(1);
        } else {
            Interpreter.abort();                     // the macro stops here, from any thread that runs it,
            Macro.abort();                           // with no dialog that would wait for a click
        }
    }

    /** Whether ImageJ runs a macro from its command line ({@code -batch}: no window, exits when done). */
    static boolean commandLineBatch() {
        try {
            java.lang.reflect.Field f = ij.ImageJ.class.getDeclaredField("batchMode");
            f.setAccessible(true);
            return IJ.getInstance() == null && f.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** The execution the fields read say, then the environment and saved settings. */
    static Execution execution(Map<String, String> values) {
        return Execution.resolve(Fields.execution(values), System.getenv());
    }

    /** The model of the last run, else the first one in the Hugging Face cache. */
    static String rememberedModel() {
        String last = Prefs.get(PREFS + "model", "");
        return !last.isBlank() ? last : Models.cachedModels().stream().findFirst().orElse("");
    }

    static String remembered(String key) {
        return Prefs.get(PREFS + key, "");
    }

    static void remember(String key, String value) {
        if (value != null && !value.isBlank()) {
            Prefs.set(PREFS + key, value.trim());
        }
    }

    /** A job's reports in ImageJ: status bar, progress bar, Log lines, the preview and curves over {@code previewOn}. */
    static JobListener listener(ImagePlus previewOn) {
        return new DisplayListener(previewOn) {
            @Override
            public void status(String line) {
                IJ.showStatus(line);
            }

            @Override
            public void log(String line) {
                IJ.log(line.startsWith("SLiMe") ? line : "SLiMe " + line);
            }

            @Override
            public void progress(Progress p) {
                IJ.showProgress(p.done(), p.total());
                IJ.showStatus(p.what());
            }

            @Override
            public boolean cancelled() {
                return IJ.escapePressed();
            }
        };
    }
}
