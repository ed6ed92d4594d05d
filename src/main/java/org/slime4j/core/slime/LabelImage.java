package org.slime4j.core.slime;

/** Integer labels, row-major {@code [height, width]}; 0 is the background. Treat the array as immutable. */
public record LabelImage(int width, int height, int[] labels) {
    public LabelImage {
        if (width <= 0 || height <= 0 || labels.length != width * height) {
            throw new IllegalArgumentException("label image " + width + "×" + height + " needs " + width * height
                    + " labels, got " + labels.length);
        }
    }

    public int get(int x, int y) {
        return labels[y * width + x];
    }

    /** Nearest-neighbour resampling to {@code w × h} (PyTorch's {@code mode="nearest"}: floor(dst · in / out)). */
    public LabelImage resizeNearest(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min((int) Math.floor(y * (double) height / h), height - 1);
            for (int x = 0; x < w; x++) {
                int sx = Math.min((int) Math.floor(x * (double) width / w), width - 1);
                out[y * w + x] = labels[sy * width + sx];
            }
        }
        return new LabelImage(w, h, out);
    }

    /**
     * The reference's mean IoU: for every label present in {@code truth}, |pred ∩ truth| / (|pred ∪ truth| + 1e-7),
     * averaged over those labels.
     */
    public static double meanIou(int[] predicted, int[] truth, int parts) {
        double sum = 0;
        int present = 0;
        for (int k = 0; k < parts; k++) {
            long inter = 0;
            long union = 0;
            boolean any = false;
            for (int i = 0; i < truth.length; i++) {
                boolean t = truth[i] == k;
                boolean p = predicted[i] == k;
                any |= t;
                inter += t && p ? 1 : 0;
                union += t || p ? 1 : 0;
            }
            if (any) {
                sum += (float) inter / ((float) union + 1e-7f);
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    /** The first 16 hex digits of the SHA-256 of its size and labels: what a training was told. */
    public String sha256() {
        return Resumption.sha256(this);
    }
}
