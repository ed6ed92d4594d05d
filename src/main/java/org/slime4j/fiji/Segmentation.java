package org.slime4j.fiji;

import ij.ImagePlus;
import java.util.ArrayList;
import java.util.List;
import org.slime4j.core.Slime;
import org.slime4j.core.slime.InputMapping;
import org.slime4j.core.slime.LearnedParts;
import org.slime4j.core.slime.Tiling;

/** Segments an ImagePlus (every (z, t) plane, or the current one) into a label image; the Fiji side of the facade. */
public final class Segmentation {
    private Segmentation() {
    }

    public static ImagePlus segment(Slime slime, LearnedParts parts, ImagePlus imp, boolean allSlices, Tiling tiling,
                                    long seed) {
        InputMapping mapping = parts.inputMapping().startsWith("percentile") ? InputMapping.PERCENTILE
                : InputMapping.REFERENCE;
        int depth = allSlices ? imp.getNSlices() : 1;
        int frames = allSlices ? imp.getNFrames() : 1;
        List<int[]> slices = new ArrayList<>();
        for (int t = 1; t <= frames; t++) {
            for (int z = 1; z <= depth; z++) {
                int zz = allSlices ? z : imp.getZ();
                int tt = allSlices ? t : imp.getT();
                Slime.Segmentation s = slime.segment(parts, Images.rgb(imp, zz, tt, mapping), tiling, seed, false);
                slices.add(s.labels());
            }
        }
        String title = stem(imp.getTitle()) + "_labels";
        return Images.labels(title, slices, imp.getWidth(), imp.getHeight(), depth, frames, parts.partNames(), imp);
    }

    static String stem(String title) {
        int dot = title.lastIndexOf('.');
        return dot > 0 ? title.substring(0, dot) : title;
    }
}
