package org.slime4j.core.slime;

import java.util.ArrayList;
import java.util.List;

/**
 * How well label images match ground-truth label images: the confusion counts (truth × prediction), per part the
 * IoU {@code TP / (TP + FP + FN)} and Dice {@code 2TP / (2TP + FP + FN)} (NaN for a part in neither), the mean IoU
 * over the parts present in the truth or the prediction (a part predicted where there is none counts as 0), and the
 * same mean for labelling every pixel background: the baseline that shows whether anything was learned.
 * Counts add up over images, so one evaluation can cover a folder.
 */
public final class Evaluation {
    private final List<String> names;
    private final long[][] confusion;
    private final long[][] background;

    /** An empty evaluation of {@code names.size()} parts (part 0 the background). */
    public Evaluation(List<String> names) {
        this.names = List.copyOf(names);
        this.confusion = new long[names.size()][names.size()];
        this.background = new long[names.size()][names.size()];
    }

    /** Adds one image: {@code predicted} and {@code truth} labels of the same pixels. */
    public Evaluation add(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("the label images differ in size: " + predicted.length + " and "
                    + truth.length + " pixels");
        }
        int k = names.size();
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new IllegalArgumentException("label " + Math.max(truth[i], predicted[i]) + " is beyond the "
                        + k + " parts " + names);
            }
            confusion[truth[i]][predicted[i]]++;
            background[truth[i]][0]++;
        }
        return this;
    }

    public List<String> names() {
        return names;
    }

    /** Pixels of part {@code truth} labelled {@code predicted}. */
    public long count(int truth, int predicted) {
        return confusion[truth][predicted];
    }

    public double iou(int part) {
        return iou(confusion, part);
    }

    public double dice(int part) {
        long[] c = counts(confusion, part);
        return c[0] + c[1] + c[2] == 0 ? Double.NaN : 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]);
    }

    public double meanIou() {
        return meanIou(confusion);
    }

    /** The mean IoU of labelling every pixel background. */
    public double backgroundMeanIou() {
        return meanIou(background);
    }

    /** One row per part: name, IoU, Dice, true positives, false positives, false negatives. */
    public List<Object[]> rows() {
        List<Object[]> rows = new ArrayList<>();
        for (int p = 0; p < names.size(); p++) {
            long[] c = counts(confusion, p);
            rows.add(new Object[] {names.get(p), iou(p), dice(p), c[0], c[1], c[2]});
        }
        return rows;
    }

    /** {TP, FP, FN} of one part. */
    private static long[] counts(long[][] m, int part) {
        long tp = m[part][part];
        long fp = 0;
        long fn = 0;
        for (int other = 0; other < m.length; other++) {
            if (other != part) {
                fp += m[other][part];
                fn += m[part][other];
            }
        }
        return new long[] {tp, fp, fn};
    }

    private static double iou(long[][] m, int part) {
        long[] c = counts(m, part);
        return c[0] + c[1] + c[2] == 0 ? Double.NaN : (double) c[0] / (c[0] + c[1] + c[2]);
    }

    private static double meanIou(long[][] m) {
        double sum = 0;
        int present = 0;
        for (int p = 0; p < m.length; p++) {
            double v = iou(m, p);
            if (!Double.isNaN(v)) {
                sum += v;
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }
}
