package org.slime4j;

import static org.slime4j.core.slime.SlimeOption.*;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.plugin.frame.RoiManager;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.model.TinyModel;
import java.util.List;
import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.ij1.EvaluatePlugin;
import org.slime4j.ij1.LabelsToRoisPlugin;
import org.slime4j.ij1.SegmentPlugin;
import org.slime4j.ij1.TrainPlugin;
import org.slime4j.imagej.Annotations;
import org.slime4j.imagej.Preview;
import org.slime4j.imagej.TrainingPlot;
import org.slime4j.jobs.JobListener;
import org.slime4j.jobs.Checkpoints;
import org.slime4j.jobs.TrainJob;

/**
 * The README's screenshots, taken from a real ImageJ 1.x window on a display (run under Xvfb by
 * {@code scripts/screenshots.sh}): the SLiMe Train dialog over the sample image and its ROIs, the live training
 * preview and curves, and a segmented result. The model is the tests' tiny random one, so the preview and the result
 * show what a user sees laid out, not a real segmentation.
 *
 * <pre>java -cp TEST_CLASSPATH org.slime4j.Screenshots OUT_FOLDER SAMPLE_DATA_FOLDER</pre>
 */
public final class Screenshots {
    private Screenshots() {
    }

    /** Takes them; any failure ends the process at once (ImageJ's windows would keep it alive until a timeout). */
    public static void main(String[] args) {
        try {
            take(Path.of(args[0]), Path.of(args[1]));
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void take(Path outFolder, Path sample) throws Exception {
        Path out = Files.createDirectories(outFolder);
        Path work = Files.createTempDirectory("slime-shots");
        Path model = TinyModel.writeSdLayout(work.resolve("model"), 5);
        ij.Prefs.set("slime.model", model.toString());
        new ImageJ();
        ImagePlus cell = IJ.openImage(sample.resolve("cell.png").toString());
        cell.show();
        cell.getWindow().setLocation(10, 130);
        RoiManager rm = new RoiManager();
        rm.runCommand("Open", sample.resolve("cell-rois.zip").toString());
        rm.runCommand(cell, "Show All with labels");
        settle();

        Thread dialog = new Thread(() -> new TrainPlugin().run(""));
        dialog.start();
        Window train = waitFor("SLiMe Train");
        settle();
        capture(allWindows(), out.resolve("train-dialog.png"));
        train.dispatchEvent(new WindowEvent(train, WindowEvent.WINDOW_CLOSING));    // cancel
        dialog.join(10_000);

        // training as SLiMe Train runs it, with the live preview; on the tiny random model the patch threshold is 0
        // (no random part would reach the reference's 0.2), so the preview and result show labels at all
        Path slime = work.resolve("cell.slime");
        SlimeOptions o = SlimeOptions.defaults().with(WORKING_SIZE, 64).with(EPOCHS, 12).with(AUGMENT, false)
                .with(PATCHES_PER_SIDE, 1).with(PATCH_SIZE, 0).with(PATCH_THRESHOLD, 0.0).with(SEED, 42);
        rm.runCommand(cell, "Show None");
        TrainingPlot curves = new TrainingPlot(cell);
        new TrainJob(List.of(new Annotations.Annotated(cell, rm.getRoisAsArray(), null)), "", model,
                Execution.on(DeviceChoice.CPU), o, java.util.Set.of(), true, 1, null, slime, true, Checkpoints.Policy.OFF)
                .run(new JobListener() {
                    @Override
                    public void preview(int epoch, LabelImage labels, List<String> parts) {
                        Preview.show(cell, labels, epoch, parts);
                    }

                    @Override
                    public void epochRecord(EpochRecord record) {
                        curves.add(record);
                    }
                });
        settle();
        check(WindowManager.getCurrentImage() == cell, "the plot took the current image from the trained one: "
                + WindowManager.getCurrentImage());
        Window plot = curves.plot().getImagePlus().getWindow();
        plot.setLocation(700, 130);
        plot.toFront();
        settle();
        capture(plot.getBounds(), out.resolve("training-curves.png"));
        cell.getWindow().toFront();
        settle();
        capture(cell.getWindow().getBounds(), out.resolve("training-preview.png"));

        cell.setOverlay(null);
        macro("segment", "learned_parts=[" + slime + "] model=[" + model + "] all_slices=true tiling=squeeze "
                + "tile_scale=1 tile_overlap=0.25 seed=0 device=cpu");
        ImagePlus labels = WindowManager.getCurrentImage();
        check(labels.getTitle().equals("cell_labels"), "segmented the wrong image: " + labels.getTitle());
        labels.getWindow().toFront();
        settle();
        capture(labels.getWindow().getBounds(), out.resolve("segmentation-result.png"));

        // the refinement loop: the labels as named ROIs to correct, where the model is unsure, and the evaluation
        rm.reset();
        macroOn(labels, "rois", "all_slices=true");
        rm.runCommand(cell, "Show All with labels");
        cell.getWindow().toFront();
        settle();
        capture(cell.getWindow().getBounds(), out.resolve("labels-to-rois.png"));
        macroOn(cell, "segment", "learned_parts=[" + slime + "] model=[" + model + "] all_slices=true tiling=squeeze "
                + "tile_scale=1 tile_overlap=0.25 seed=0 device=cpu confidence=true");
        ImagePlus confidence = WindowManager.getImage("cell_confidence");
        confidence.getWindow().toFront();
        settle();
        capture(confidence.getWindow().getBounds(), out.resolve("confidence-map.png"));
        Path truth = work.resolve("truth.png");
        Files.copy(sample.resolve("cell-labels.png"), truth);
        Path predicted = work.resolve("cell_labels.tif");
        new ij.io.FileSaver(labels).saveAsTiff(predicted.toString());
        macro("evaluate", "labels=[" + predicted + "] ground_truth=[" + truth + "] csv=[]");
        Window table = WindowManager.getWindow("SLiMe Evaluate");
        table.toFront();
        settle();
        capture(table.getBounds(), out.resolve("evaluate-table.png"));
        System.out.println("screenshots in " + out);
        System.exit(0);
    }

    /** Ends the run with {@code failure} (the test reads it) unless {@code ok}. */
    private static void check(boolean ok, String failure) {
        if (!ok) {
            System.out.println("FAILED: " + failure);
            System.exit(1);
        }
    }

    private static ij.plugin.PlugIn plugin(String command) {
        return switch (command) {
            case "segment" -> new SegmentPlugin();
            case "rois" -> new LabelsToRoisPlugin();
            case "evaluate" -> new EvaluatePlugin();
            default -> throw new IllegalArgumentException(command);
        };
    }

    /** Runs a SLiMe command as a macro's {@code run(...)} does: on a macro thread, with its options. */
    private static void macro(String command, String options) throws InterruptedException {
        Thread t = new Thread(() -> {
            Macro.setOptions(options);
            plugin(command).run("");
        }, "Run$_screenshots");
        t.start();
        t.join(120_000);
    }

    /** As {@link #macro}, with {@code imp} the current image of the macro thread. */
    private static void macroOn(ImagePlus imp, String command, String options) throws InterruptedException {
        Thread t = new Thread(() -> {
            WindowManager.setTempCurrentImage(imp);
            Macro.setOptions(options);
            plugin(command).run("");
        }, "Run$_screenshots");
        t.start();
        t.join(120_000);
    }

    private static Window waitFor(String title) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (Window w : Window.getWindows()) {
                if (w.isShowing() && w instanceof java.awt.Dialog d && title.equals(d.getTitle())) {
                    return w;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no window '" + title + "' appeared");
    }

    /** The area every showing window covers (ImageJ's bar, the image, the dialog). */
    private static Rectangle allWindows() {
        Rectangle area = null;
        for (Window w : Window.getWindows()) {
            if (w.isShowing()) {
                area = area == null ? w.getBounds() : area.union(w.getBounds());
            }
        }
        return area;
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(1500);
    }

    private static void capture(Rectangle area, Path file) throws Exception {
        BufferedImage shot = new Robot().createScreenCapture(area);
        ImageIO.write(shot, "png", file.toFile());
        System.out.println("wrote " + file + " (" + area.width + "×" + area.height + ")");
    }
}
