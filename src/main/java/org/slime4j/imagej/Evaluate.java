package org.slime4j.imagej;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slime4j.core.slime.Evaluation;

/**
 * SLiMe Evaluate, headless: label images against ground-truth label images, one file each or two folders paired by
 * name ({@code cell_labels.tif} with {@code cell.png}: the {@code _labels} suffix and the extension do not count).
 * Every plane of a stack counts. Part names come from SLiMe's label images (their {@code SLiMe.parts} property or
 * slice label), else part1, part2, .... The total adds the counts of all pairs.
 */
public final class Evaluate {
    private Evaluate() {
    }

    /** Each pair's evaluation by its name, and the total under "all". */
    public static Map<String, Evaluation> run(Path predicted, Path truth) throws IOException {
        Map<String, Path[]> pairs = pairs(predicted, truth);
        List<ImagePlus[]> images = new ArrayList<>();
        int max = 0;
        List<String> names = null;
        for (Path[] p : pairs.values()) {
            ImagePlus a = open(p[0]);
            ImagePlus b = open(p[1]);
            if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight() || a.getStackSize() != b.getStackSize()) {
                throw new IOException(p[0] + " is " + a.getWidth() + "×" + a.getHeight() + "×" + a.getStackSize()
                        + " but its ground truth " + p[1] + " is " + b.getWidth() + "×" + b.getHeight() + "×"
                        + b.getStackSize() + ".");
            }
            max = Math.max(max, Math.max(RoiMasks.maxLabel(a), RoiMasks.maxLabel(b)));
            names = names != null ? names : partNames(a);
            images.add(new ImagePlus[] {a, b});
        }
        List<String> parts = new ArrayList<>(names == null ? List.of("background") : names);
        for (int k = parts.size(); k <= max; k++) {
            parts.add("part" + k);
        }
        Map<String, Evaluation> out = new LinkedHashMap<>();
        Evaluation all = new Evaluation(parts);
        int i = 0;
        for (String name : pairs.keySet()) {
            Evaluation one = new Evaluation(parts);
            ImagePlus[] ab = images.get(i++);
            for (int z = 1; z <= ab[0].getStackSize(); z++) {
                int[] p = labels(ab[0].getStack().getProcessor(z));
                int[] t = labels(ab[1].getStack().getProcessor(z));
                one.add(p, t);
                all.add(p, t);
            }
            out.put(name, one);
        }
        out.put("all", all);
        return out;
    }

    /** The results as CSV: a row per pair and part, then the means; written atomically. */
    public static void writeCsv(Map<String, Evaluation> results, Path csv) throws IOException {
        StringBuilder b = new StringBuilder("image,part,iou,dice,true_positives,false_positives,false_negatives\n");
        for (Map.Entry<String, Evaluation> e : results.entrySet()) {
            for (Object[] row : e.getValue().rows()) {
                b.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%d,%d%n", e.getKey(), row[0], num(row[1]),
                        num(row[2]), row[3], row[4], row[5]));
            }
            b.append(String.format(Locale.ROOT, "%s,mean IoU,%s,,,,%n", e.getKey(), num(e.getValue().meanIou())));
            b.append(String.format(Locale.ROOT, "%s,all background (baseline),%s,,,,%n", e.getKey(),
                    num(e.getValue().backgroundMeanIou())));
        }
        Path dir = csv.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("Output folder " + dir + " does not exist: create it, or choose another CSV file.");
        }
        Path tmp = Files.createTempFile(dir, "." + csv.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, csv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String num(Object v) {
        double d = (Double) v;
        return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
    }

    static Map<String, Path[]> pairs(Path predicted, Path truth) throws IOException {
        Map<String, Path[]> pairs = new LinkedHashMap<>();
        if (!Files.isDirectory(predicted)) {
            if (Files.isDirectory(truth)) {
                throw new IOException(truth + " is a folder but " + predicted + " is not: give two files or two folders.");
            }
            pairs.put(predicted.getFileName().toString(), new Path[] {predicted, truth});
            return pairs;
        }
        if (!Files.isDirectory(truth)) {
            throw new IOException(predicted + " is a folder but " + truth + " is not: give two files or two folders.");
        }
        Map<String, Path> truths = byBaseName(truth);
        for (Map.Entry<String, Path> e : byBaseName(predicted).entrySet()) {
            Path t = truths.get(e.getKey());
            if (t != null) {
                pairs.put(e.getKey(), new Path[] {e.getValue(), t});
            }
        }
        if (pairs.isEmpty()) {
            throw new IOException("No file of " + predicted + " has a ground truth of the same name in " + truth
                    + " (cell_labels.tif pairs with cell.tif or cell.png).");
        }
        return pairs;
    }

    private static Map<String, Path> byBaseName(Path folder) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".")) {
                    out.put(n.replaceFirst("\\.[^.]+$", "").replaceFirst("_labels$", ""), p);
                }
            }
        }
        return out;
    }

    private static ImagePlus open(Path file) throws IOException {
        ImagePlus imp = Files.isRegularFile(file) ? ImageFiles.openQuietly(file) : null;
        if (imp == null) {
            throw new IOException("Label image " + file + (Files.exists(file) ? " cannot be opened by ImageJ."
                    : " does not exist."));
        }
        if (imp.getBitDepth() == 24 || imp.getBitDepth() == 32) {
            throw new IOException("Label image " + file + " is " + imp.getBitDepth() + "-bit: labels are 8- or "
                    + "16-bit whole numbers (0 = background).");
        }
        return imp;
    }

    private static int[] labels(ImageProcessor ip) {
        int[] out = new int[ip.getPixelCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) ip.getf(i);
        }
        return out;
    }

    /** The part names a SLiMe label image carries ("0=background,1=cell,..."), or null. */
    public static List<String> partNames(ImagePlus imp) {
        String text = imp.getProp(Images.PARTS_PROPERTY);
        if (text == null || text.isBlank()) {
            text = imp.getStack().getSliceLabel(1);
        }
        if (text == null || !text.startsWith("0=")) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String item : text.split(",")) {
            names.add(item.substring(item.indexOf('=') + 1).trim());
        }
        return names;
    }
}
