package org.slime4j.imagej;

import ij.gui.Roi;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slime4j.core.slime.LabelImage;

/**
 * Turns ROIs into a training mask. Each ROI's name is its part name (else its group's name); pixels in no ROI are
 * the background (label 0). Where ROIs nest or overlap, larger ones are drawn first so inner parts win; composite
 * ROIs keep their holes; ROIs reaching outside the image are clipped. Lines and points cannot outline a part and
 * are refused, as are unknown part names and an empty annotation.
 */
public final class RoiMasks {
    public static final String BACKGROUND = "background";

    private RoiMasks() {
    }

    /** The part names: {@code background} first, then {@code given} (comma or space separated) or the ROIs' names. */
    public static List<String> partNames(String given, Roi[] rois) {
        Set<String> names = new LinkedHashSet<>();
        names.add(BACKGROUND);
        if (given != null && !given.isBlank()) {
            for (String n : given.trim().split("[,\\s]+")) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
        } else {
            for (Roi roi : rois) {
                String n = partOf(roi);
                if (n != null) {
                    names.add(n);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Part names for label images given without names: background, then part1 .. part{K-1}, K-1 being the largest
     * label in any of them (every plane counted).
     */
    public static List<String> partNamesForLabels(List<ij.ImagePlus> labelImages) {
        int max = 0;
        for (ij.ImagePlus imp : labelImages) {
            checkLabelType(imp);
            max = Math.max(max, maxLabel(imp));
        }
        if (max == 0) {
            throw new IllegalArgumentException("The label image has no labelled pixel (all 0 = background): label "
                    + "the parts 1, 2, ... and name them with parts.");
        }
        if (max > 75) {
            throw new IllegalArgumentException("The label image has value " + max + ", but a label image holds 0 "
                    + "for the background and 1, 2, ... for at most 75 parts: is it the image rather than its labels?");
        }
        List<String> names = new java.util.ArrayList<>(List.of(BACKGROUND));
        for (int k = 1; k <= max; k++) {
            names.add("part" + k);
        }
        return List.copyOf(names);
    }

    /** The largest label in any plane of a label image. */
    static int maxLabel(ij.ImagePlus imp) {
        int max = 0;
        for (int z = 1; z <= imp.getStackSize(); z++) {
            ImageProcessor ip = imp.getStack().getProcessor(z);
            for (int i = 0; i < ip.getPixelCount(); i++) {
                max = Math.max(max, (int) ip.getf(i));
            }
        }
        return max;
    }

    /** The labels of the ROIs on a {@code width × height} image. */
    public static LabelImage rasterize(Roi[] rois, int width, int height, List<String> parts) {
        if (rois == null || rois.length == 0) {
            throw new IllegalArgumentException("No ROIs: outline at least one part and name each ROI after its part "
                    + "(one of " + parts.subList(1, parts.size()) + ").");
        }
        List<Roi> areas = new ArrayList<>();
        for (Roi roi : rois) {
            if (roi.isLine() || roi.getType() == Roi.POINT) {
                throw new IllegalArgumentException("ROI '" + roi.getName() + "' is a " + roi.getTypeAsString()
                        + "; parts must be outlined with area ROIs (rectangle, oval, polygon, freehand, composite).");
            }
            String part = partOf(roi);
            if (part == null || !parts.contains(part)) {
                throw new IllegalArgumentException("ROI '" + roi.getName() + "' names no known part; rename it (or "
                        + "set its group name) to one of " + parts + ".");
            }
            areas.add(roi);
        }
        areas.sort(Comparator.comparingLong(RoiMasks::area).reversed());
        ImageProcessor ip = new ShortProcessor(width, height);
        for (Roi roi : areas) {
            ip.setValue(parts.indexOf(partOf(roi)));
            ip.fill(roi);
        }
        short[] pixels = (short[]) ip.getPixels();
        int[] labels = new int[pixels.length];
        boolean any = false;
        for (int i = 0; i < labels.length; i++) {
            labels[i] = pixels[i] & 0xffff;
            any |= labels[i] != 0;
        }
        if (!any) {
            throw new IllegalArgumentException("The ROIs cover no pixel of the " + width + "×" + height + " image.");
        }
        return new LabelImage(width, height, labels);
    }

    /** The name ImageJ gives an ROI nobody named: its position, {@code 0375-0495} (a stack's: {@code 0001-...}). */
    private static final java.util.regex.Pattern UNNAMED = java.util.regex.Pattern.compile(
            "\\d{4}-\\d{4}(-\\d{4})?(-\\d+)?");

    /**
     * The part a ROI names: its name, or else its group's name; null when neither is set. A name ImageJ gave the ROI
     * (its position) is refused: it would become a part of that name.
     */
    static String partOf(Roi roi) {
        String name = roi.getName();
        if (name != null && UNNAMED.matcher(name.trim()).matches() && roi.getGroup() == 0) {
            throw new IllegalArgumentException("ROI '" + name.trim() + "' has the name ImageJ gives an unnamed ROI "
                    + "(its position): rename it after its part (ROI Manager › Rename), e.g. 'nucleus'.");
        }
        if (name != null && !name.isBlank() && !UNNAMED.matcher(name.trim()).matches()) {
            return name.trim();
        }
        int group = roi.getGroup();
        if (group > 0) {
            String g = Roi.getGroupName(group);
            if (g != null && !g.isBlank()) {
                return g.trim();
            }
        }
        return null;
    }

    private static long area(Roi roi) {
        ImageProcessor mask = roi.getMask();
        if (mask == null) {
            return (long) roi.getBounds().width * roi.getBounds().height;
        }
        byte[] m = (byte[]) mask.getPixels();
        long n = 0;
        for (byte b : m) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * Refuses a label image that cannot hold labels: RGB (24-bit) or 32-bit float; the message names the image (its
     * file, when it has one) and the fix.
     */
    public static void checkLabelType(ij.ImagePlus labels) {
        int bits = labels.getBitDepth();
        if (bits == 24 || bits == 32) {
            ij.io.FileInfo fi = labels.getOriginalFileInfo();
            String name = fi != null && fi.directory != null && fi.fileName != null
                    ? java.nio.file.Path.of(fi.directory, fi.fileName).toString() : labels.getTitle();
            throw new IllegalArgumentException("Label image " + name + " is " + (bits == 24 ? "RGB (24-bit)"
                    : "32-bit float") + ": a label image holds whole numbers (8- or 16-bit), 0 for the background and "
                    + "1, 2, ... for the parts; convert it (Image › Type › 8-bit or 16-bit) or export the labels again.");
        }
    }

    /** Labels from a label image's pixels (any integer type), checked against the part count. */
    public static LabelImage fromLabelPixels(ImageProcessor ip, int parts) {
        int[] labels = new int[ip.getWidth() * ip.getHeight()];
        for (int i = 0; i < labels.length; i++) {
            float v = ip.getf(i);
            if (v < 0 || v >= parts || v != Math.floor(v)) {
                throw new IllegalArgumentException("The label image has value " + v + " at pixel " + i
                        + "; expected whole numbers 0.." + (parts - 1) + " (0 = background) for " + parts + " parts.");
            }
            labels[i] = (int) v;
        }
        return new LabelImage(ip.getWidth(), ip.getHeight(), labels);
    }
}
