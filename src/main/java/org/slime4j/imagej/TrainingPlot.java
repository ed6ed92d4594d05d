package org.slime4j.imagej;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.ImageWindow;
import ij.gui.Plot;
import ij.gui.PlotWindow;
import ij.macro.Interpreter;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.slime.EpochRecord;

/**
 * A training's curves in an ImageJ {@link Plot}: the loss, the mean validation IoU and what labelling everything
 * background would score, against the epoch; redrawn after every epoch while it trains. The window is ImageJ's plot
 * window (List, Save data, Copy, Save as image). It opens beside the trained image where the screen has room and
 * leaves that image in front and current, so a macro's next command (SLiMe Segment) acts on the image, never on the
 * plot. Nothing is shown headless or in a batch-mode macro, where the training's CSV holds the same.
 */
public final class TrainingPlot {
    private final ImagePlus trained;
    private final String title;
    private final List<EpochRecord> records = new ArrayList<>();
    private Plot plot;

    /** The curves of a training on {@code trained}, titled {@code "SLiMe training: cell.png"}; nothing shown yet. */
    public TrainingPlot(ImagePlus trained) {
        this.trained = trained;
        this.title = "SLiMe training: " + trained.getTitle();
    }

    /** Whether plots are shown here: not headless, not in a batch-mode macro. */
    public static boolean shown() {
        return !GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode();
    }

    /** Adds an epoch and redraws (the window opens with the first). */
    public synchronized void add(EpochRecord record) {
        records.add(record);
        Plot next = draw();
        if (!shown()) {
            plot = next;
            return;
        }
        PlotWindow window = plot == null ? null : (PlotWindow) plot.getImagePlus().getWindow();
        if (window == null || window.isClosed()) {
            plot = next;
            open(plot.show());
        } else {
            window.drawPlot(next);
            plot = next;
        }
    }

    /** Places the new plot window beside the trained image's and gives that image back its place in front. */
    private void open(PlotWindow window) {
        ImageWindow image = trained.getWindow();
        if (window == null || image == null || image.isClosed()) {
            return;
        }
        java.awt.Rectangle screen = image.getGraphicsConfiguration().getBounds();
        int x = image.getX() + image.getWidth() + 8;
        if (x + window.getWidth() <= screen.x + screen.width) {
            window.setLocation(x, image.getY());
        }
        giveBack(image);
        // the new window's own activation may still be on its way (ImageJ makes an activated window current): when
        // it comes, soon after the window opened, the trained image takes its place back once
        long opened = System.currentTimeMillis();
        window.addWindowListener(new java.awt.event.WindowAdapter() {
            @Override
            public void windowActivated(java.awt.event.WindowEvent e) {
                window.removeWindowListener(this);
                if (System.currentTimeMillis() - opened < 3000 && !image.isClosed()) {
                    giveBack(image);
                }
            }
        });
    }

    private static void giveBack(ImageWindow image) {
        image.toFront();
        WindowManager.setCurrentWindow(image);       // for this thread (a macro's) at once; toFront for the others
    }

    /** The plot as drawn last (null before the first epoch). */
    public synchronized Plot plot() {
        return plot;
    }

    /** The plot of the epochs so far: loss, mean IoU and the all-background IoU when validated. */
    private Plot draw() {
        double[] epochs = records.stream().mapToDouble(EpochRecord::epoch).toArray();
        double[] loss = records.stream().mapToDouble(EpochRecord::loss).toArray();
        Plot p = new Plot(title, "epoch", "loss, IoU");
        p.setColor(new Color(200, 60, 40), new Color(200, 60, 40));
        p.setLineWidth(2);
        p.addPoints(epochs, loss, Plot.CONNECTED_CIRCLES);
        String legend = "loss";
        if (records.stream().anyMatch(r -> !Double.isNaN(r.iou()))) {
            p.setColor(new Color(40, 90, 200), new Color(40, 90, 200));
            p.addPoints(epochs, records.stream().mapToDouble(EpochRecord::iou).toArray(), Plot.CONNECTED_CIRCLES);
            p.setColor(Color.GRAY);
            p.setLineWidth(1);
            p.addPoints(epochs, records.stream().mapToDouble(EpochRecord::background).toArray(), Plot.LINE);
            legend += "\tvalidation IoU (mean)\tIoU of all background";
        }
        p.setColor(Color.BLACK);
        p.addLegend(legend, "top-right");
        double top = java.util.Arrays.stream(loss).filter(Double::isFinite).max().orElse(1);
        p.setLimits(epochs[0] - 0.5, epochs[epochs.length - 1] + 0.5, 0, 1.08 * Math.max(1, top));
        return p;
    }
}
