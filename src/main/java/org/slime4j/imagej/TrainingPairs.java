package org.slime4j.imagej;

import ij.ImagePlus;
import ij.gui.Roi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LabelImage;
import org.slime4j.core.slime.Trainer;

/** Annotated ImageJ images as the core's training pairs: RGB planes and their masks. */
public final class TrainingPairs {
    private TrainingPairs() {
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
            RoiMasks.checkLabelType(labelImage);
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

}
