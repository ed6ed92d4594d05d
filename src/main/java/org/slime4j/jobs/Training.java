package org.slime4j.jobs;

import ij.ImagePlus;
import ij.gui.Roi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.engine.Execution;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.SlimeOptions;
import org.slime4j.core.slime.Trained;
import org.slime4j.core.slime.Trainer;
import org.slime4j.imagej.Images;
import org.slime4j.imagej.RoiMasks;

/**
 * Training from ImageJ images, shared by the SciJava commands, the ImageJ 1.x plugin and the CLI: annotations to
 * training pairs, then training on the session's model and saving the result. Thin over {@link Slime#train}.
 */
public final class Training {
    private Training() {
    }

    /**
     * Training pairs: one per annotated plane. ROIs with a stack position annotate that plane (few-shot from a
     * stack); ROIs without one annotate the current plane. A label image gives one pair per plane it shares with
     * the image.
     */
    public static List<Trainer.Pair> pairs(ImagePlus imp, Roi[] rois, ImagePlus labelImage, List<String> parts,
                                           InputMapping mapping) {
        List<Trainer.Pair> out = new ArrayList<>();
        if (labelImage != null) {
            if (labelImage.getWidth() != imp.getWidth() || labelImage.getHeight() != imp.getHeight()) {
                throw new IllegalArgumentException("label image '" + labelImage.getTitle() + "' is "
                        + labelImage.getWidth() + "×" + labelImage.getHeight() + " but the image is " + imp.getWidth()
                        + "×" + imp.getHeight());
            }
            int planes = Math.min(labelImage.getStackSize(), imp.getNSlices());
            for (int z = 1; z <= planes; z++) {
                LabelImage mask = RoiMasks.fromLabelPixels(labelImage.getStack().getProcessor(z), parts.size());
                out.add(new Trainer.Pair(Images.rgb(imp, planes == 1 ? imp.getZ() : z, imp.getT(), mapping), mask));
            }
            return out;
        }
        Map<Integer, List<Roi>> byPlane = new LinkedHashMap<>();
        for (Roi roi : rois) {
            int z = imp.getStackSize() > 1 && roi.getZPosition() > 0 ? roi.getZPosition()
                    : imp.getStackSize() > 1 && roi.getPosition() > 0 ? imp.convertIndexToPosition(roi.getPosition())[1]
                    : imp.getZ();
            byPlane.computeIfAbsent(z, k -> new ArrayList<>()).add(roi);
        }
        if (byPlane.isEmpty()) {
            RoiMasks.rasterize(rois, imp.getWidth(), imp.getHeight(), parts);          // says what is missing
        }
        for (Map.Entry<Integer, List<Roi>> e : byPlane.entrySet()) {
            LabelImage mask = RoiMasks.rasterize(e.getValue().toArray(new Roi[0]), imp.getWidth(), imp.getHeight(),
                    parts);
            out.add(new Trainer.Pair(Images.rgb(imp, e.getKey(), imp.getT(), mapping), mask));
        }
        return out;
    }

    /** The input mapping of a training image: AUTO resolved by its bit depth (stored in the learned parts). */
    public static InputMapping mapping(ImagePlus imp) {
        return InputMapping.AUTO.resolve(imp.getBitDepth());
    }

    /**
     * Trains as {@code request} says on the model at {@code model} and saves to {@code output} (none when null;
     * never replacing an existing file unless {@code overwrite}), also after a cancel (the kept epoch); returns what
     * the training kept.
     */
    public static Trained train(Path model, Execution execution, Slime.TrainingRequest request, SlimeOptions options,
                                Path output, boolean overwrite, Trainer.Listener listener, BooleanSupplier cancelled,
                                Consumer<String> status) throws IOException {
        if (output != null && !overwrite && output.toFile().exists()) {
            throw new IOException("Output " + output + " exists already; choose another name or allow overwriting.");
        }
        status.accept("SLiMe: loading " + model + " (the first run also unpacks PyTorch, ~450 MB)");
        try (Sessions.Lease lease = Sessions.open(model, execution, status)) {
            status.accept("SLiMe: training " + request.partNames() + " on " + request.pairs().size() + " image(s)");
            Trained t = lease.slime().train(request, options, listener, cancelled);
            if (output != null && t.outcome().epochsRun() > 0) {
                t.parts().save(output, overwrite);
            }
            return t;
        }
    }
}
