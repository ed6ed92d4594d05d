package org.slime4j.core.slime;

import java.util.Random;

/**
 * The reference's training augmentation, in Java: horizontal flip (p 0.5), Gaussian blur with kernel 3 or 5
 * (p 0.5; kernel 1 is no blur), a random square crop of side r·min(W, H), r uniform in [min_crop_ratio, 1], that keeps
 * more than 30 % of the pixels of the part whose turn it is (parts in turn, up to 50 tries), resized to S×S, and a
 * rotation within ±30° (p 0.5) filled with 0 in image and mask. Not thread-safe.
 */
final class Augmentation {
    private static final int CROP_TRIES = 50;
    private final Random random;
    private final SlimeOptions options;
    private final int parts;
    private int turn;

    /** {@code turn}: how many pairs were augmented before (a continued training goes on with the next part). */
    Augmentation(Random random, SlimeOptions options, int parts, int turn) {
        this.random = random;
        this.options = options;
        this.parts = parts;
        this.turn = turn;
    }

    Trainer.Pair apply(Trainer.Pair pair) {
        RgbImage image = pair.image();
        int[] labels = pair.mask().labels().clone();
        int w = image.width();
        int h = image.height();
        float[] data = image.data().clone();
        if (random.nextDouble() < 0.5) {
            flip(data, 3, w, h);
            float[] l = toFloat(labels);
            flip(l, 1, w, h);
            labels = toInt(l);
        }
        if (random.nextDouble() < 0.5) {
            int kernel = 1 + 2 * random.nextInt(3);
            if (kernel > 1) {
                blur(data, w, h, kernel);
            }
        }
        int[] crop = crop(labels, w, h, turn++ % parts);
        int s = options.workingSize();
        float[] planes = new float[3 * crop[2] * crop[2]];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < crop[2]; y++) {
                System.arraycopy(data, (c * h + crop[1] + y) * w + crop[0], planes, (c * crop[2] + y) * crop[2],
                        crop[2]);
            }
        }
        float[] out = Resize.bilinear(planes, 3, crop[2], crop[2], s, s);        // [3, S, S]
        int[] cropped = new int[crop[2] * crop[2]];
        for (int y = 0; y < crop[2]; y++) {
            System.arraycopy(labels, (crop[1] + y) * w + crop[0], cropped, y * crop[2], crop[2]);
        }
        int[] mask = new LabelImage(crop[2], crop[2], cropped).resizeNearest(s, s).labels();
        if (random.nextDouble() < 0.5) {
            double angle = Math.toRadians((random.nextDouble() * 2 - 1) * 30);
            out = rotate(out, 3, s, angle, false);
            mask = toInt(rotate(toFloat(mask), 1, s, angle, true));
        }
        return new Trainer.Pair(new RgbImage(s, s, out), new LabelImage(s, s, mask));
    }

    /** {x, y, side} of a crop keeping > 30 % of {@code part}'s pixels (any crop when the part is absent). */
    private int[] crop(int[] labels, int w, int h, int part) {
        long total = 0;
        for (int v : labels) {
            total += v == part ? 1 : 0;
        }
        int[] last = {0, 0, Math.min(w, h)};
        for (int i = 0; i < CROP_TRIES; i++) {
            double r = options.minCropRatio() + random.nextDouble() * (1 - options.minCropRatio());
            int side = Math.max(1, (int) (r * Math.min(w, h)));
            int x0 = random.nextInt(w - side + 1);
            int y0 = random.nextInt(h - side + 1);
            last = new int[] {x0, y0, side};
            if (total == 0) {
                return last;
            }
            long inside = 0;
            for (int y = y0; y < y0 + side; y++) {
                for (int x = x0; x < x0 + side; x++) {
                    inside += labels[y * w + x] == part ? 1 : 0;
                }
            }
            if (inside > 0.3 * total) {
                return last;
            }
        }
        return last;
    }

    private static void flip(float[] data, int channels, int w, int h) {
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int x = 0; x < w / 2; x++) {
                    float t = data[row + x];
                    data[row + x] = data[row + w - 1 - x];
                    data[row + w - 1 - x] = t;
                }
            }
        }
    }

    /** Separable Gaussian, sigma as OpenCV derives it from the kernel size, borders reflected. */
    private static void blur(float[] data, int w, int h, int kernel) {
        double sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8;
        int r = kernel / 2;
        float[] k = new float[kernel];
        float sum = 0;
        for (int i = 0; i < kernel; i++) {
            k[i] = (float) Math.exp(-((i - r) * (i - r)) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < kernel; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[w * h];
        for (int c = 0; c < 3; c++) {
            int base = c * w * h;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        acc += k[i + r] * data[base + y * w + reflect(x + i, w)];
                    }
                    tmp[y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        acc += k[i + r] * tmp[reflect(y + i, h) * w + x];
                    }
                    data[base + y * w + x] = acc;
                }
            }
        }
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }

    /** Rotation about the centre; outside pixels are 0; nearest for masks, bilinear for images. */
    private static float[] rotate(float[] data, int channels, int s, double angle, boolean nearest) {
        float[] out = new float[data.length];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double c0 = (s - 1) / 2.0;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double sx = cos * (x - c0) + sin * (y - c0) + c0;
                double sy = -sin * (x - c0) + cos * (y - c0) + c0;
                for (int c = 0; c < channels; c++) {
                    out[(c * s + y) * s + x] = sample(data, c, s, sx, sy, nearest);
                }
            }
        }
        return out;
    }

    private static float sample(float[] data, int c, int s, double x, double y, boolean nearest) {
        if (nearest) {
            int xi = (int) Math.round(x);
            int yi = (int) Math.round(y);
            return xi < 0 || yi < 0 || xi >= s || yi >= s ? 0 : data[(c * s + yi) * s + xi];
        }
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double v = 0;
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                int xi = x0 + dx;
                int yi = y0 + dy;
                if (xi >= 0 && yi >= 0 && xi < s && yi < s) {
                    v += (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy) * data[(c * s + yi) * s + xi];
                }
            }
        }
        return (float) v;
    }

    private static float[] toFloat(int[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static int[] toInt(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.round(v[i]);
        }
        return out;
    }
}
