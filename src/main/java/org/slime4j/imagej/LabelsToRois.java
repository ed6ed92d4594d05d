package org.slime4j.imagej;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * SLiMe › Labels to ROIs: a label plane as named area ROIs, one per part and connected region (8-connected), each
 * the region's exact outline (holes kept), named after its part, so a user edits, deletes or redraws a few and trains
 * again. The background gets none. {@link RoiMasks#rasterize} of the ROIs gives the label plane back. A second run
 * on the same label image replaces the ROIs the first one made (marked with the property {@value #FROM}).
 */
public final class LabelsToRois {
    private LabelsToRois() {
    }

    /**
     * @param labels a label plane (0 = background)
     * @param names  part names by label; labels beyond them are named part{label}
     * @param plane  the stack position to give the ROIs (0: none)
     */
    /**
     * Every plane's (or the current plane's) regions of a label image into the ROI Manager, or into the overlay
     * when there is none (headless); named after the parts the image carries (SLiMe's label images do).
     * Returns how many ROIs were added.
     */
    public static int toRoiManager(ImagePlus labels, boolean allPlanes) {
        Images.notPlot(labels, "turn into ROIs");
        List<String> names = Evaluate.partNames(labels);
        List<Roi> rois = new ArrayList<>();
        for (int z = allPlanes ? 1 : labels.getCurrentSlice(); z <= (allPlanes ? labels.getStackSize()
                : labels.getCurrentSlice()); z++) {
            rois.addAll(rois(labels.getStack().getProcessor(z), names == null ? List.of("background") : names,
                    labels.getStackSize() > 1 ? z : 0));
        }
        if (rois.isEmpty()) {
            throw new IllegalArgumentException("The label image " + labels.getTitle() + " has no labelled pixel.");
        }
        ij.plugin.frame.RoiManager rm = java.awt.GraphicsEnvironment.isHeadless() ? null
                : ij.plugin.frame.RoiManager.getRoiManager();
        ij.gui.Overlay overlay = labels.getOverlay() == null ? new ij.gui.Overlay() : labels.getOverlay();
        removeEarlier(labels.getTitle(), rm, overlay);
        for (Roi roi : rois) {
            roi.setProperty(FROM, labels.getTitle());
            if (rm != null) {
                rm.addRoi(roi);
            } else {
                overlay.add(roi);
            }
        }
        if (rm == null) {
            labels.setOverlay(overlay);
        }
        return rois.size();
    }

    /** The ROI property that says which label image an ROI came from. */
    static final String FROM = "SLiMe.labels";

    /** Removes the ROIs an earlier run made from the label image titled {@code title}: a second run replaces them. */
    private static void removeEarlier(String title, ij.plugin.frame.RoiManager rm, ij.gui.Overlay overlay) {
        if (rm != null) {
            Roi[] all = rm.getRoisAsArray();
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                if (title.equals(all[i].getProperty(FROM))) {
                    mine.add(i);
                }
            }
            if (!mine.isEmpty()) {
                rm.setSelectedIndexes(mine.stream().mapToInt(Integer::intValue).toArray());
                rm.runCommand("Delete");
            }
        }
        for (Roi roi : overlay.toArray()) {
            if (title.equals(roi.getProperty(FROM))) {
                overlay.remove(roi);
            }
        }
    }

    public static List<Roi> rois(ImageProcessor labels, List<String> names, int plane) {
        int w = labels.getWidth();
        int h = labels.getHeight();
        int[] label = new int[w * h];
        for (int i = 0; i < label.length; i++) {
            label[i] = (int) labels.getf(i);
        }
        boolean[] seen = new boolean[label.length];
        List<Roi> out = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < label.length; start++) {
            if (seen[start] || label[start] == 0) {
                continue;
            }
            int part = label[start];
            ByteProcessor region = new ByteProcessor(w, h);
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                region.set(p, 255);
                int x = p % w;
                int y = p / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        int q = ny * w + nx;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[q] && label[q] == part) {
                            seen[q] = true;
                            queue.add(q);
                        }
                    }
                }
            }
            region.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
            Roi roi = ThresholdToSelection.run(new ImagePlus("region", region));
            roi.setName(part < names.size() ? names.get(part) : "part" + part);
            if (plane > 0) {
                roi.setPosition(plane);
            }
            out.add(roi);
        }
        return out;
    }
}
