package org.slime4j.jobs;

import ij.ImagePlus;
import java.util.List;
import org.slime4j.core.slime.EpochRecord;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.imagej.Preview;
import org.slime4j.imagej.TrainingPlot;

/**
 * A listener that shows a training in ImageJ as both hosts do: the live preview over the trained image and the
 * curves' plot, which opens with the first epoch; nothing of either when that image is null. The front end adds
 * where status, log lines and progress go, and what cancels.
 */
public abstract class DisplayListener implements JobListener {
    private final ImagePlus previewOn;
    private final TrainingPlot plot;

    protected DisplayListener(ImagePlus previewOn) {
        this.previewOn = previewOn;
        this.plot = previewOn == null ? null : new TrainingPlot(previewOn);
    }

    @Override
    public void epochRecord(EpochRecord record) {
        if (plot != null) {
            plot.add(record);
        }
    }

    @Override
    public void preview(int epoch, LabelImage labels, List<String> parts) {
        if (previewOn != null) {
            Preview.show(previewOn, labels, epoch, parts);
            previewOn.updateAndDraw();
        }
    }
}
