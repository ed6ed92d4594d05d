package org.slime4j.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.slime.Slime;
import org.slime4j.core.slime.Segmented;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Tiling;

/** Segments an ImagePlus (every (z, t) plane, or the current one) into a label image; the Fiji side of the facade. */
public final class Segmentation {
    private Segmentation() {
    }

    public static ImagePlus segment(Slime slime, LearnedParts parts, ImagePlus imp, boolean allSlices, Tiling tiling,
                                    long seed) {
        return segment(slime, parts, imp, allSlices, tiling, seed, false).labels();
    }

    /** The label image, and with {@code confidence} the 32-bit confidence map of the same planes (else null). */
    public record Result(ImagePlus labels, ImagePlus confidence) {
    }

    public static Result segment(Slime slime, LearnedParts parts, ImagePlus imp, boolean allSlices, Tiling tiling,
                                 long seed, boolean confidence) {
        int depth = allSlices ? imp.getNSlices() : 1;
        int frames = allSlices ? imp.getNFrames() : 1;
        List<int[]> slices = new ArrayList<>();
        ImageStack margins = new ImageStack(imp.getWidth(), imp.getHeight());
        for (int t = 1; t <= frames; t++) {
            for (int z = 1; z <= depth; z++) {
                int zz = allSlices ? z : imp.getZ();
                int tt = allSlices ? t : imp.getT();
                Segmented s = slime.segment(parts, Images.rgb(imp, zz, tt, parts.inputMapping()), tiling, seed,
                        confidence);
                slices.add(s.labels());
                if (confidence) {
                    margins.addSlice(new FloatProcessor(imp.getWidth(), imp.getHeight(), s.confidence()));
                }
            }
        }
        String title = stem(imp.getTitle());
        ImagePlus labels = Images.labels(title + "_labels", slices, imp.getWidth(), imp.getHeight(), depth, frames,
                parts.partNames(), imp);
        if (!confidence) {
            return new Result(labels, null);
        }
        ImagePlus map = new ImagePlus(title + "_confidence", margins);
        map.setDimensions(1, depth, frames);
        map.setCalibration(imp.getCalibration().copy());
        map.resetDisplayRange();                        // values stay 0..1 margins; shown from the least to the most sure
        return new Result(labels, map);
    }

    /**
     * One line about a label image: each part's share of its pixels, or, when no part passed the threshold, that
     * every pixel is background and what to try.
     */
    public static String describe(ImagePlus labels, double threshold) {
        List<String> names = Evaluate.partNames(labels);
        long[] counts = new long[names == null ? 256 : names.size()];
        long all = 0;
        for (int z = 1; z <= labels.getStackSize(); z++) {
            ij.process.ImageProcessor ip = labels.getStack().getProcessor(z);
            for (int i = 0; i < ip.getPixelCount(); i++) {
                int v = (int) ip.getf(i);
                if (v < counts.length) {
                    counts[v]++;
                }
                all++;
            }
        }
        if (counts[0] == all) {
            return labels.getTitle() + ": no part passed the threshold (patch threshold " + threshold + "), every "
                    + "pixel is background: train more epochs or on more annotated images, check the base model, or "
                    + "segment with tiling=tiles for structures small in a large image";
        }
        StringBuilder b = new StringBuilder(labels.getTitle()).append(':');
        for (int k = 0; k < counts.length; k++) {
            if (names != null || counts[k] > 0) {
                b.append(k == 0 ? " " : ", ").append(names == null ? "label " + k : names.get(k))
                        .append(String.format(" %.1f%%", 100.0 * counts[k] / all));
            }
        }
        return b.toString();
    }

    static String stem(String title) {
        int dot = title.lastIndexOf('.');
        return dot > 0 ? title.substring(0, dot) : title;
    }
}
