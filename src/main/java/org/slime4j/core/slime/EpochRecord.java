package org.slime4j.core.slime;

import java.util.List;

/**
 * How one training epoch went, as people look at a training: its mean losses (each term and the total), the
 * validation IoU of each image and their mean, what labelling everything background would score there, and its
 * seconds (steps and validation). Kept in a {@code .slime} file's history across continued rounds.
 *
 * @param crossEntropy the weighted cross-entropy of the cross maps (the reference's loss1)
 * @param was          the WAS maps' MSE × K (loss2)
 * @param noise        the guided noise prediction's MSE (the sd loss)
 * @param ious         each validation image's IoU (empty without validation)
 * @param iou          their mean (NaN without validation)
 */
public record EpochRecord(int epoch, double loss, double crossEntropy, double was, double noise, List<Double> ious,
                          double iou, double background, double seconds) {
    public EpochRecord {
        ious = List.copyOf(ious);
    }

    /** The CSV header the records are written under. */
    public static String csvHeader() {
        return "epoch,loss,cross_entropy,was,noise,iou,background_iou,seconds,image_ious";
    }

    /** One CSV line (the images' IoUs joined by ';' in the last column). */
    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%s,%s,%.3f,%s", epoch, loss, crossEntropy,
                was, noise, Double.isNaN(iou) ? "" : String.format(java.util.Locale.ROOT, "%.6f", iou),
                Double.isNaN(background) ? "" : String.format(java.util.Locale.ROOT, "%.6f", background), seconds,
                String.join(";", ious.stream().map(v -> String.format(java.util.Locale.ROOT, "%.6f", v)).toList()));
    }
}
